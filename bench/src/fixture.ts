import {
  apimApiId,
  generateScenario,
  Scenario,
} from '@defender-apis/arm-emulator';
import fs from 'node:fs';
import path from 'node:path';
import { BenchDatabase, backendDatabaseConfig } from './benchDatabase';
import { EstateShape } from './options';

/** APIs per APIM service: 10,000 APIs make the 50 services of the benchmark's goal. */
export const APIS_PER_SERVICE = 200;
/** At most this many subscriptions, as in the benchmark's goal (3). */
export const MAX_SUBSCRIPTIONS = 3;
/** Entities added after the first refresh, whose first views are counted. */
export const FIRST_VIEW_ENTITIES = 20;
/** Entities added later still, which nobody views: the catalog pass reads them. */
export const PASS_ENTITIES = 20;
/**
 * Share of the APIs whose Azure facts change before each measured refresh, as between two
 * scheduled refreshes: most postures are read again unchanged, some are not.
 */
export const CHANGED_SHARE_PERCENT = 10;
/** Groups owning the generated APIs; the guest's own team is one of them. */
const OWNER_GROUPS = [
  'team-payments',
  ...Array.from({ length: 19 }, (_, i) => `bench-team-${i + 2}`),
];
const APIS_PER_SYSTEM = 50;
const DOMAINS = 5;
const LIFECYCLES = ['production', 'production', 'experimental', 'deprecated'];

/** Everything generated for one catalog size, on disk under `dir`. */
/**
 * Entities per catalog file (one location each): the catalog looks up every entity a location
 * emits in one SQL statement, and SQLite refuses more than 32,766 variables in one.
 */
export const ENTITIES_PER_CATALOG_FILE = 10_000;

/** Days of history before today the bench has seeded (today's are the refreshes' own). */
export const SEEDED_HISTORY_DAYS = 90;

/** The owner group (its name) of the bench's API entity `bench-api-<i>`. */
export function ownerOfApi(i: number): string {
  return OWNER_GROUPS[i % OWNER_GROUPS.length];
}

export interface BenchFixture {
  size: number;
  dir: string;
  /** The emulator's scenario file: `size` APIs, one per entity. */
  scenarioFile: string;
  /**
   * The same world with the 40 APIs of the first-view and catalog-pass measures created, as if someone had just
   * added them to API Management; the emulator is restarted with it for that measure.
   */
  scenarioWithNewApisFile: string;
  /**
   * The emulator's scenarios for the two measured refreshes: in the first,
   * {@link CHANGED_SHARE_PERCENT} of the APIs have another display name than in
   * `scenarioFile`; in the second, as many more.
   */
  changedScenarioFiles: [string, string];
  /**
   * Catalog files of the `size` API entities (with their groups, systems and domains), at most
   * {@link ENTITIES_PER_CATALOG_FILE} entities each.
   */
  catalogFiles: string[];
  /**
   * Catalog file of the entities added later for the first-view measure: a configured location
   * that starts empty; {@link BenchFixture.lateCatalog} is written to it when they are added.
   */
  lateCatalogFile: string;
  lateCatalog: string;
  /**
   * Catalog file of the entities added for the catalog-pass measure, empty until then;
   * {@link BenchFixture.passCatalog} is written to it.
   */
  passCatalogFile: string;
  passCatalog: string;
  /** Names of the entities of the catalog-pass measure. */
  passEntityNames: string[];
  /** Names of the `size` API entities (namespace default). */
  entityNames: string[];
  /** Names of the late entities. */
  lateEntityNames: string[];
  services: Array<{
    name: string;
    subscriptionId: string;
    resourceGroup: string;
  }>;
  subscriptions: number;
}

/**
 * Generates the world of one size: an emulator scenario of `size` APIs over `size / 200` APIM
 * services (so 10,000 APIs make 50 services) in up to 3 subscriptions, unless `shape` says, a catalog of `size` API
 * entities each annotated with the full ARM id of one of those APIs, and for the first-view
 * and catalog-pass measures the same scenario with 40 more APIs and catalog files that get their entities later.
 */
export function writeFixture(
  size: number,
  dir: string,
  shape: EstateShape = {},
): BenchFixture {
  fs.mkdirSync(dir, { recursive: true });
  const serviceCount =
    shape.services ?? Math.max(1, Math.round(size / APIS_PER_SERVICE));
  const subscriptions = Math.min(
    shape.subscriptions ?? MAX_SUBSCRIPTIONS,
    serviceCount,
  );
  const withNewApis = generateScenario({
    apis: size + FIRST_VIEW_ENTITIES + PASS_ENTITIES,
    services: serviceCount,
    subscriptions,
  });
  const scenario = withoutApis(withNewApis, size);

  const services = scenario.subscriptions.flatMap(sub =>
    sub.services.map(s => ({
      name: s.name,
      subscriptionId: sub.subscriptionId,
      resourceGroup: s.resourceGroup,
    })),
  );
  // generateScenario names APIs gen-api-1..N, spread round-robin; index them back by name.
  const apiIds = new Map<string, string>();
  for (const sub of withNewApis.subscriptions) {
    for (const service of sub.services) {
      for (const api of service.apis) {
        apiIds.set(
          api.name,
          apimApiId(
            sub.subscriptionId,
            service.resourceGroup,
            service.name,
            api.name,
          ),
        );
      }
    }
  }
  const apiEntity = (i: number) => {
    const armId = apiIds.get(`gen-api-${i}`);
    if (!armId)
      throw new Error(`The generated scenario has no API gen-api-${i}`);
    const system =
      i % 4 === 0
        ? undefined
        : `bench-system-${Math.ceil(i / APIS_PER_SYSTEM)}`;
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'API',
      metadata: {
        name: `bench-api-${i}`,
        title: `Bench API ${i}`,
        annotations: { 'azure.com/api-management-api': armId },
      },
      spec: {
        type: 'openapi',
        lifecycle: LIFECYCLES[i % LIFECYCLES.length],
        owner: ownerOfApi(i),
        ...(system ? { system } : {}),
        definition:
          'openapi: 3.0.0\ninfo: { title: bench, version: "1" }\npaths: {}\n',
      },
    };
  };

  const indexes = (from: number, count: number) =>
    Array.from({ length: count }, (_, k) => from + k);
  const systems = Math.ceil(size / APIS_PER_SYSTEM);
  const catalog = [
    ...indexes(1, DOMAINS).map(d => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Domain',
      metadata: { name: `bench-domain-${d}` },
      spec: { owner: OWNER_GROUPS[d % OWNER_GROUPS.length] },
    })),
    ...indexes(1, systems).map(s => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: `bench-system-${s}` },
      spec: {
        owner: OWNER_GROUPS[s % OWNER_GROUPS.length],
        domain: `bench-domain-${(s % DOMAINS) + 1}`,
      },
    })),
    ...OWNER_GROUPS.filter(g => g.startsWith('bench-')).map(g => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: g },
      spec: { type: 'team', children: [] },
    })),
    ...indexes(1, size).map(apiEntity),
  ];
  const late = indexes(size + 1, FIRST_VIEW_ENTITIES).map(apiEntity);
  const forPass = indexes(size + FIRST_VIEW_ENTITIES + 1, PASS_ENTITIES).map(
    apiEntity,
  );

  const scenarioFile = path.join(dir, 'scenario.json');
  const scenarioWithNewApisFile = path.join(dir, 'scenario-with-new-apis.json');
  const catalogFiles = Array.from(
    { length: Math.ceil(catalog.length / ENTITIES_PER_CATALOG_FILE) },
    (_, i) =>
      path.join(dir, i === 0 ? 'catalog.yaml' : `catalog-${i + 1}.yaml`),
  );
  const lateCatalogFile = path.join(dir, 'catalog-first-views.yaml');
  const passCatalogFile = path.join(dir, 'catalog-pass.yaml');
  fs.writeFileSync(scenarioFile, JSON.stringify(scenario));
  fs.writeFileSync(scenarioWithNewApisFile, JSON.stringify(withNewApis));
  const changedScenarioFiles: [string, string] = [
    path.join(dir, 'scenario-changed-1.json'),
    path.join(dir, 'scenario-changed-2.json'),
  ];
  changedScenarioFiles.forEach((file, i) =>
    fs.writeFileSync(file, JSON.stringify(withRenamedApis(scenario, i + 1))),
  );
  catalogFiles.forEach((file, i) =>
    fs.writeFileSync(
      file,
      yamlDocuments(
        catalog.slice(
          i * ENTITIES_PER_CATALOG_FILE,
          (i + 1) * ENTITIES_PER_CATALOG_FILE,
        ),
      ),
    ),
  );
  fs.writeFileSync(
    lateCatalogFile,
    '# The bench writes 20 API entities here for the first-view measure.\n',
  );
  fs.writeFileSync(
    passCatalogFile,
    '# The bench writes 20 API entities here for the catalog-pass measure.\n',
  );
  return {
    size,
    dir,
    scenarioFile,
    scenarioWithNewApisFile,
    changedScenarioFiles,
    catalogFiles,
    lateCatalogFile,
    lateCatalog: yamlDocuments(late),
    entityNames: indexes(1, size).map(i => `bench-api-${i}`),
    lateEntityNames: late.map(e => e.metadata.name),
    passCatalogFile,
    passCatalog: yamlDocuments(forPass),
    passEntityNames: forPass.map(e => e.metadata.name),
    services,
    subscriptions,
  };
}

/**
 * The scenario without its APIs gen-api-(keep+1) and up, and without their alerts and
 * assessments: every other API stays exactly as generated.
 */
function withoutApis(scenario: Scenario, keep: number): Scenario {
  const copy = structuredClone(scenario);
  const dropped = (name: string) =>
    Number(/^gen-api-(\d+)$/.exec(name)?.[1] ?? 0) > keep;
  for (const sub of copy.subscriptions) {
    const droppedIds: string[] = [];
    for (const service of sub.services) {
      for (const api of service.apis.filter(a => dropped(a.name))) {
        droppedIds.push(
          apimApiId(
            sub.subscriptionId,
            service.resourceGroup,
            service.name,
            api.name,
          ).toLowerCase(),
        );
      }
      service.apis = service.apis.filter(a => !dropped(a.name));
    }
    const concerns = (resourceId: string) => {
      const id = resourceId.toLowerCase();
      return droppedIds.some(d => id === d || id.startsWith(`${d}/`));
    };
    sub.alerts = sub.alerts?.filter(
      a => !(a.azureResourceIds ?? []).some(concerns),
    );
    sub.assessments = sub.assessments?.filter(a => !concerns(a.resourceId));
  }
  return {
    ...copy,
    name: `${copy.name}-without-new`,
    description: `${copy.description ?? copy.name} (the last ${
      FIRST_VIEW_ENTITIES + PASS_ENTITIES
    } not created yet)`,
  };
}

/**
 * The scenario with the display name of `rounds` times {@link CHANGED_SHARE_PERCENT} of its
 * APIs changed, the same ones in each round and as many more: gen-api-N whose N modulo 100
 * falls below the share times `rounds`. The display name is in every posture of an API.
 */
function withRenamedApis(scenario: Scenario, rounds: number): Scenario {
  const copy = structuredClone(scenario);
  const renamed = (name: string) =>
    Number(/^gen-api-(\d+)$/.exec(name)?.[1] ?? 0) % 100 <
    CHANGED_SHARE_PERCENT * rounds;
  for (const service of copy.subscriptions.flatMap(sub => sub.services)) {
    for (const api of service.apis.filter(a => renamed(a.name))) {
      api.displayName = `${api.displayName} (renamed)`;
    }
  }
  return { ...copy, name: `${copy.name}-changed-${rounds}` };
}

/** A multi-document YAML file; JSON is YAML, so each document is one line of JSON. */
function yamlDocuments(documents: unknown[]): string {
  return documents.map(d => `---\n${JSON.stringify(d)}\n`).join('');
}

/**
 * The backend's extra configuration for a fixture (merged over app-config.yaml): its port, the
 * generated catalog instead of the sample one, the fixture's APIM services, the emulator as
 * ARM, and a refresh frequency of a day so that refreshes only run when the bench triggers them.
 */
export function backendConfig(
  fixture: BenchFixture,
  options: {
    port: number;
    emulatorUrl: string;
    readVia: 'arm' | 'resourceGraph';
    database: BenchDatabase;
  },
) {
  return {
    backend: {
      baseUrl: `http://localhost:${options.port}`,
      listen: { port: options.port },
      database: backendDatabaseConfig(options.database, fixture.size),
    },
    catalog: {
      // New entities are processed at once whatever this is; a long interval keeps the catalog
      // from reprocessing all of them again during the measurements.
      processingInterval: '1h',
      locations: [
        ...fixture.catalogFiles.map(target => ({
          type: 'file',
          target,
          rules: [{ allow: ['API', 'System', 'Domain', 'Group'] }],
        })),
        // Empty until the first-view measure adds its entities and refreshes this location.
        {
          type: 'file',
          target: fixture.lateCatalogFile,
          rules: [{ allow: ['API'] }],
        },
        // Empty until the catalog-pass measure adds its entities.
        {
          type: 'file',
          target: fixture.passCatalogFile,
          rules: [{ allow: ['API'] }],
        },
        // The guest user and its team (team-payments), so that owner checks see a real identity.
        {
          type: 'file',
          target: path.resolve(__dirname, '../../examples/org.yaml'),
          rules: [{ allow: ['User', 'Group'] }],
        },
      ],
    },
    // 90 days of history before today, seeded by the demo's module (packages/backend) when the
    // bench triggers it, once every API has today's snapshot.
    defenderApisDemo: {
      historyDays: SEEDED_HISTORY_DAYS + 1,
      historyOnRequest: true,
    },
    defenderApis: {
      azure: {
        resourceManagerEndpoint: options.emulatorUrl,
        credential: { type: 'emulator' },
        readVia: options.readVia,
      },
      apiManagement: { services: fixture.services },
      // String form, as app-config.yaml's: either form replaces a string, but objects merge key by key.
      refresh: { frequency: '1d', timeout: '30m' },
    },
  };
}
