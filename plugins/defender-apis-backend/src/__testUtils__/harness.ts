/**
 * Starts the whole plugin in a test backend against the ARM emulator over HTTPS. Only what is
 * outside the plugin is stubbed: the catalog's contents, the user's group memberships and,
 * where a test says so, the permission policy's decision.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  BackendFeature,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { AddressInfo } from 'node:net';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ArmEmulator,
  generateScenario,
  GenerateScenarioOptions,
  Scenario,
  startArmEmulator,
} from '@defender-apis/arm-emulator';
import { JsonObject } from '@backstage/types';
import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PermissionRule,
} from '@backstage/plugin-permission-node';
import { permissionRules as catalogPermissionRules } from '@backstage/plugin-catalog-backend/alpha';
import request from 'supertest';
import { createHash } from 'node:crypto';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { defenderApisPlugin } from '../plugin';
import { recordingRootLogger } from './recordingLogger';

export const SUB_A = '11111111-1111-1111-1111-111111111111';
export const SUB_B = '22222222-2222-2222-2222-222222222222';
export const PAYMENTS = {
  name: 'contoso-payments-apim',
  subscriptionId: SUB_A,
  resourceGroup: 'rg-payments',
};
export const EDGE = {
  name: 'contoso-edge-apim',
  subscriptionId: SUB_A,
  resourceGroup: 'rg-edge',
};
export const RETAIL = {
  name: 'contoso-retail-apim',
  subscriptionId: SUB_B,
  resourceGroup: 'rg-retail',
};

/** Users and the groups they belong to, as the catalog's org data would say. */
export const MEMBERSHIPS: Record<string, string[]> = {
  'user:default/paula': ['group:default/team-payments'],
  'user:default/carl': ['group:default/team-checkout'],
  'user:default/priya': ['group:default/team-platform'],
};

export function fullId(
  service: { name: string; subscriptionId: string; resourceGroup: string },
  apiId: string,
) {
  return `/subscriptions/${service.subscriptionId}/resourceGroups/${service.resourceGroup}/providers/Microsoft.ApiManagement/service/${service.name}/apis/${apiId}`;
}

/** A `kind: API` entity as the catalog serves it, with its ownedBy relation. */
export function apiEntity(
  name: string,
  annotation: string | undefined,
  owner = 'group:default/team-payments',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: {
      name,
      namespace: 'default',
      ...(annotation !== undefined
        ? { annotations: { 'azure.com/api-management-api': annotation } }
        : {}),
    },
    spec: { type: 'openapi', lifecycle: 'production', owner, definition: '{}' },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

/**
 * A generated estate: the scenario, its services as configured ones and one API entity (short
 * annotation form) per API.
 */
export function generatedEstate(options: GenerateScenarioOptions) {
  const scenario = generateScenario(options);
  const services = scenario.subscriptions.flatMap(sub =>
    sub.services.map(s => ({
      name: s.name,
      subscriptionId: sub.subscriptionId,
      resourceGroup: s.resourceGroup,
    })),
  );
  const entities = scenario.subscriptions.flatMap(sub =>
    sub.services.flatMap(s =>
      s.apis.map(api => apiEntity(api.name, `${s.name}/${api.name}`)),
    ),
  );
  return { scenario, services, entities };
}

/**
 * Whether a request the emulator recorded changed something in Azure (onboarding's PUT,
 * offboarding's DELETE). Resource Graph queries are POSTs that only read.
 */
export function isAzureWrite(recorded: { method: string }): boolean {
  return recorded.method === 'PUT' || recorded.method === 'DELETE';
}

/** The sample catalog's APIs (examples/apis.yaml), for the demo scenario. */
export function demoEntities(): Entity[] {
  const p = (api: string) => `contoso-payments-apim/${api}`;
  return [
    apiEntity('payments-api', fullId(PAYMENTS, 'payments-api')),
    apiEntity('checkout-api', p('checkout-api'), 'group:default/team-checkout'),
    apiEntity('refunds-api', p('refunds-api')),
    apiEntity('ledger-api', fullId(PAYMENTS, 'ledger-api')),
    apiEntity('invoices-api', p('invoices-api'), 'group:default/team-checkout'),
    apiEntity('wallet-api', p('wallet-api')),
    apiEntity(
      'fx-rates-api',
      fullId(PAYMENTS, 'fx-rates-api'),
      'group:default/team-checkout',
    ),
    apiEntity('notifications-api', p('notifications-api')),
    apiEntity('payments-api-rev2', fullId(PAYMENTS, 'payments-api;rev=2')),
    apiEntity(
      'legacy-soap-api',
      p('legacy-soap-api'),
      'group:default/team-retail',
    ),
    apiEntity(
      'catalog-graphql-api',
      p('catalog-graphql-api'),
      'group:default/team-retail',
    ),
    apiEntity(
      'partner-api',
      fullId(PAYMENTS, 'partner-api').replace(
        '/apis/',
        '/workspaces/partners/apis/',
      ),
      'group:default/team-platform',
    ),
    apiEntity(
      'edge-api',
      'contoso-edge-apim/edge-api',
      'group:default/team-platform',
    ),
    apiEntity(
      'orders-api',
      fullId(RETAIL, 'orders-api'),
      'group:default/team-retail',
    ),
    apiEntity(
      'inventory-api',
      'contoso-retail-apim/inventory-api',
      'group:default/team-retail',
    ),
    apiEntity('status-api', undefined, 'group:default/team-platform'),
    apiEntity(
      'broken-api',
      'contoso-payments-apim/apis/broken',
      'group:default/team-platform',
    ),
    apiEntity(
      'ghost-api',
      'ghost-apim/ghost-api',
      'group:default/team-platform',
    ),
    apiEntity('missing-api', p('no-such-api'), 'group:default/team-platform'),
  ];
}

export interface PluginHarness {
  /** The emulator the plugin talks to; a test may replace it (e.g. after stopping it). */
  emulator: ArmEmulator;
  request: ReturnType<typeof request>;
  /** The port the test backend listens on, for clients that need a URL. */
  port: number;
  /** Runs the scheduled catalog-wide refresh, as the scheduler would. */
  runScheduledRefresh(): Promise<void>;
  /** Runs the scheduled pass over the catalog for new, changed and removed API entities. */
  runCatalogPass(): Promise<void>;
  /** Runs one scheduled task of the plugin by id, as the scheduler would. */
  runScheduledTask(id: string): Promise<void>;
  /** The ids of the tasks the plugin asked the scheduler to start now, in order. */
  triggeredTasks(): string[];
  /** Registers more entities in the catalog, as a team adding catalog-info.yaml would. */
  addEntities(entities: Entity[]): void;
  /** Replaces the catalog's entities, as if every location now held these. */
  replaceEntities(entities: Entity[]): void;
  /**
   * Replaces the catalog's users (default {@link MEMBERSHIPS}): user ref to the groups it is a
   * member of; a user left out is no longer in the catalog. Sign-in is not affected.
   */
  setMemberships(memberships: Record<string, string[]>): void;
  /** How many requests the plugin made to the catalog. */
  catalogCalls(): number;
  /**
   * Who each read of one entity by ref was made as, in order: a user entity ref, or the
   * subject of service credentials (`plugin:defender-apis` for the plugin itself).
   */
  entityReaders(): string[];
  /** How often the plugin asked the permission framework, by method. */
  permissionCalls: { authorize: number; authorizeConditional: number };
  /** ARM requests of a method whose path matches. */
  armRequests(
    method: string,
    pathPart: string,
  ): ReturnType<ArmEmulator['requests']>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  scenario?: Scenario;
  entities?: Entity[];
  services?: Array<{
    name: string;
    subscriptionId: string;
    resourceGroup: string;
  }>;
  config?: JsonObject;
  /**
   * A permission policy's decision on onboarding; absent: the framework is off. `OWNER` is
   * the conditional decision of this repository's policy (catalog rule IS_ENTITY_OWNER with
   * the user's ownership refs); `CUSTOM_RULE` a conditional decision on a rule the plugin does
   * not know, which the policy then resolves as ALLOW.
   */
  policyDecision?: (
    userEntityRef: string,
  ) => 'ALLOW' | 'DENY' | 'OWNER' | 'CUSTOM_RULE';
  /**
   * The policy's decision on reading catalog entities, per user. Default: CONDITIONAL for
   * users that `hiddenFrom` hides something from (the catalog then answers what they see),
   * ALLOW for everyone else.
   */
  catalogReadDecision?: (
    userEntityRef: string,
  ) => 'ALLOW' | 'DENY' | 'CONDITIONAL';
  pageSize?: number;
  /** Extra `defenderApis.azure` settings (e.g. `requestTimeout`, another credential). */
  azure?: JsonObject;
  /** A real `backend.database` config (file SQLite, PostgreSQL); default: in-memory SQLite mock. */
  database?: JsonObject;
  /** Talk to this emulator instead of starting one; it is left running on stop. */
  emulator?: ArmEmulator;
  /** Receives every log line of the backend, as JSON, to check what reaches logs. */
  logLines?: string[];
  /**
   * Run the scheduled refresh once before the test, as a backend does seconds after start-up,
   * so that every claim is checked and first views are not what the test is about; the
   * emulator's request log is cleared after it.
   */
  refreshed?: boolean;
  /**
   * Entities the catalog hides from some users, as a permission policy on catalog reads would:
   * entity ref to the user entity refs that cannot see it. For those users the catalog answers
   * as if the entity did not exist (by ref and in lists); service credentials see everything.
   */
  hiddenFrom?: Record<string, string[]>;
  /** More backend features to start beside the plugin (other plugins, service factories). */
  extraFeatures?: BackendFeature[];
  /** More root configuration beside `defenderApis` (e.g. `backend.actions`). */
  rootConfig?: JsonObject;
}

/**
 * The entity with an etag of its content, as the catalog gives every revision of an entity:
 * the same entity keeps it, a changed one gets another.
 */
function withEtag(entity: Entity): Entity {
  const { etag: _given, ...metadata } = entity.metadata;
  const etag = createHash('sha1')
    .update(JSON.stringify({ ...entity, metadata }))
    .digest('base64');
  return { ...entity, metadata: { ...metadata, etag } };
}

/** The catalog with the given entities, hiding some of them from some users, counting calls. */
function catalogFactory(
  initial: Entity[],
  hiddenFrom: Record<string, string[]> | undefined,
) {
  let entities = initial.map(withEtag);
  // The org's users beside the given entities, as an organisation's catalog holds them.
  let catalogUsers = userEntities(MEMBERSHIPS);
  let catalog = catalogServiceMock({
    entities: [...entities, ...catalogUsers],
  });
  const replace = (next: Entity[]) => {
    entities = next.map(withEtag);
    catalog = catalogServiceMock({ entities: [...entities, ...catalogUsers] });
  };
  const add = (more: Entity[]) => replace([...entities, ...more]);
  const setMemberships = (memberships: Record<string, string[]>) => {
    catalogUsers = userEntities(memberships);
    replace(entities);
  };
  const hidden = new Map(
    Object.entries(hiddenFrom ?? {}).map(([ref, users]) => [
      ref.toLowerCase(),
      users.map(u => u.toLowerCase()),
    ]),
  );
  const visibleTo =
    (credentials: BackstageCredentials | undefined) => (entity: Entity) => {
      const user = (
        credentials?.principal as { userEntityRef?: string } | undefined
      )?.userEntityRef?.toLowerCase();
      return (
        !user ||
        !hidden.get(stringifyEntityRef(entity).toLowerCase())?.includes(user)
      );
    };
  const credentialsOf = (options: unknown) =>
    (options as { credentials?: BackstageCredentials } | undefined)
      ?.credentials;
  let calls = 0;
  const entityReaders: string[] = [];
  const factory = catalogServiceMock.mock({
    getEntityByRef: async (ref, options) => {
      calls++;
      const principal = credentialsOf(options)?.principal as
        | { userEntityRef?: string; subject?: string }
        | undefined;
      entityReaders.push(
        principal?.userEntityRef ?? principal?.subject ?? 'none',
      );
      const entity = await catalog.getEntityByRef(ref);
      return entity && visibleTo(credentialsOf(options))(entity)
        ? entity
        : undefined;
    },
    getEntities: async (req, options) => {
      calls++;
      const { items } = await catalog.getEntities(req);
      return { items: items.filter(visibleTo(credentialsOf(options))) };
    },
    getEntitiesByRefs: async (req, options) => {
      calls++;
      const { items } = await catalog.getEntitiesByRefs(req);
      return {
        items: items.map(e =>
          e && visibleTo(credentialsOf(options))(e) ? e : undefined,
        ),
      };
    },
    getEntityFacets: async (req, options) => {
      calls++;
      if (hidden.size === 0) return catalog.getEntityFacets(req);
      // Facets of what the caller sees: the hidden entities are few in these tests.
      const { items } = await catalog.getEntities({ filter: req.filter });
      return catalogServiceMock({
        entities: items.filter(visibleTo(credentialsOf(options))),
      }).getEntityFacets(req);
    },
    queryEntities: async (req, options) => {
      calls++;
      if (hidden.size === 0) return catalog.queryEntities(req);
      // One page of everything visible: the hidden entities are few in these tests.
      const { items } = await catalog.getEntities({
        filter: (req as { filter?: any }).filter,
        fields: (req as { fields?: string[] }).fields,
      });
      const visible = items.filter(visibleTo(credentialsOf(options)));
      return { items: visible, totalItems: visible.length, pageInfo: {} };
    },
  }).factory;
  return {
    factory,
    calls: () => calls,
    entityReaders: () => [...entityReaders],
    /** The entity as the catalog holds it, whoever asks (the catalog's own view). */
    entityByRef: (ref: string) => catalog.getEntityByRef(ref),
    add,
    replace,
    setMemberships,
  };
}

/** User entities of the given memberships (user ref to group refs), with memberOf relations. */
function userEntities(memberships: Record<string, string[]>): Entity[] {
  return Object.entries(memberships).map(([userRef, groups]) =>
    withEtag({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: userRef.split('/')[1], namespace: 'default' },
      spec: { memberOf: groups },
      relations: groups.map(targetRef => ({ type: 'memberOf', targetRef })),
    }),
  );
}

const CATALOG_READ = 'catalog.entity.read';

/** The catalog's own permission rules, by name, as its apply-conditions endpoint uses them. */
const catalogRules = new Map(
  Object.values(catalogPermissionRules).map(rule => [
    rule.name,
    rule as PermissionRule<Entity, unknown, string>,
  ]),
);

/**
 * The catalog applying conditions to an entity, as the permission framework has it do for a
 * resource request: with the catalog's real rules; a rule the catalog does not know stands
 * for one a custom catalog module adds, which these tests let allow.
 */
const applyCatalogConditions = createConditionAuthorizer<Entity>({
  getRuleByName(name: string) {
    return (
      catalogRules.get(name) ??
      ({ name, apply: () => true } as unknown as PermissionRule<
        Entity,
        unknown,
        string
      >)
    );
  },
});

/** The permission framework as a policy would answer it; see HarnessOptions. */
function permissionsFactory(
  options: HarnessOptions,
  entityByRef: (ref: string) => Promise<Entity | undefined>,
) {
  const userOf = (credentials: BackstageCredentials) =>
    (credentials.principal as { userEntityRef?: string }).userEntityRef;
  const hiddenUsers = new Set(
    Object.values(options.hiddenFrom ?? {})
      .flat()
      .map(u => u.toLowerCase()),
  );
  const catalogRead = (user: string) =>
    options.catalogReadDecision?.(user) ??
    (hiddenUsers.has(user.toLowerCase()) ? 'CONDITIONAL' : 'ALLOW');
  const decide = (
    permission: { name: string },
    credentials: BackstageCredentials,
  ): PolicyDecision => {
    const user = userOf(credentials);
    if (!user) return { result: AuthorizeResult.ALLOW };
    const result =
      permission.name === CATALOG_READ
        ? catalogRead(user)
        : options.policyDecision?.(user) ?? 'ALLOW';
    if (result === 'ALLOW') return { result: AuthorizeResult.ALLOW };
    if (result === 'DENY') return { result: AuthorizeResult.DENY };
    const rule =
      result === 'OWNER'
        ? {
            rule: 'IS_ENTITY_OWNER',
            params: { claims: [user, ...(MEMBERSHIPS[user] ?? [])] },
          }
        : {
            rule: result === 'CUSTOM_RULE' ? 'IS_IN_CUSTOM_TEAM' : 'IS_VISIBLE',
            params: {},
          };
    return {
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: { ...rule, resourceType: 'catalog-entity' },
    };
  };
  const calls = { authorize: 0, authorizeConditional: 0 };
  const factory = mockServices.permissions.mock({
    authorizeConditional: async (requests, { credentials }) => {
      calls.authorizeConditional += 1;
      return requests.map(r => decide(r.permission, credentials)) as any;
    },
    // A resource request: the framework has the catalog apply a conditional decision.
    authorize: async (requests, { credentials }) => {
      calls.authorize += 1;
      return Promise.all(
        requests.map(async r => {
          const decision = decide(r.permission, credentials);
          if (decision.result !== AuthorizeResult.CONDITIONAL) return decision;
          const ref = (r as { resourceRef?: string }).resourceRef;
          const entity = ref ? await entityByRef(ref) : undefined;
          return {
            result:
              entity && applyCatalogConditions(decision, entity)
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          };
        }),
      ) as any;
    },
  }).factory;
  return { factory, calls };
}

/** Starts the emulator and a backend with the plugin. */
export async function startHarness(
  options: HarnessOptions = {},
): Promise<PluginHarness> {
  const ownEmulator = !options.emulator;
  const emulator =
    options.emulator ??
    (await startArmEmulator({
      scenario: options.scenario,
      lro: { pollsUntilDone: 1, retryAfterSeconds: 1 },
      pageSize: options.pageSize ?? 5,
    }));
  // Tasks run when a test says; other plugins' task runners (e.g. notifications' cleanup) never.
  const scheduler = mockServices.scheduler.mock({
    createScheduledTaskRunner: () => ({ run: async () => undefined }),
  });
  const permissionsEnabled = Boolean(options.policyDecision);
  const catalog = catalogFactory(
    options.entities ?? demoEntities(),
    options.hiddenFrom,
  );
  const features: BackendFeature[] = [
    defenderApisPlugin,
    scheduler.factory,
    // Requests without credentials stay unauthenticated, as in production.
    mockServices.httpAuth.factory({
      defaultCredentials: mockCredentials.none(),
    }),
    catalog.factory,
    mockServices.rootConfig.factory({
      data: {
        ...options.rootConfig,
        permission: { enabled: permissionsEnabled },
        ...(options.database
          ? { backend: { database: options.database } }
          : {}),
        defenderApis: {
          azure: {
            resourceManagerEndpoint: emulator.url,
            credential: { type: 'emulator' },
            ...options.azure,
          },
          apiManagement: {
            services: options.services ?? [PAYMENTS, EDGE, RETAIL],
          },
          ...options.config,
        },
      },
    }),
    mockServices.userInfo.mock({
      getUserInfo: async credentials => {
        const userEntityRef = (
          credentials.principal as { userEntityRef: string }
        ).userEntityRef;
        return {
          userEntityRef,
          ownershipEntityRefs: [
            userEntityRef,
            ...(MEMBERSHIPS[userEntityRef] ?? []),
          ],
        };
      },
    }).factory,
  ];
  if (options.database) features.push(databaseServiceFactory);
  features.push(...(options.extraFeatures ?? []));
  if (options.logLines) features.push(recordingRootLogger(options.logLines));
  const permissions = permissionsFactory(options, catalog.entityByRef);
  features.push(permissions.factory);
  const backend = await startTestBackend({ features });
  const harness: PluginHarness = {
    emulator,
    request: request(backend.server),
    port: (backend.server.address() as AddressInfo).port,
    permissionCalls: permissions.calls,
    catalogCalls: catalog.calls,
    entityReaders: catalog.entityReaders,
    addEntities: catalog.add,
    replaceEntities: catalog.replace,
    setMemberships: catalog.setMemberships,
    runScheduledRefresh() {
      return harness.runScheduledTask('defender-apis-refresh');
    },
    runCatalogPass() {
      return harness.runScheduledTask('defender-apis-catalog-sync');
    },
    triggeredTasks() {
      return scheduler.triggerTask.mock.calls.map(([id]) => id);
    },
    async runScheduledTask(id) {
      const task = scheduler.scheduleTask.mock.calls.find(([t]) => t.id === id);
      if (!task) throw new Error(`The task ${id} was not scheduled`);
      await task[0].fn(new AbortController().signal);
    },
    armRequests(method, pathPart) {
      return harness.emulator
        .requests()
        .filter(
          r =>
            r.method === method &&
            r.path.toLowerCase().includes(pathPart.toLowerCase()),
        );
    },
    async stop() {
      await backend.stop();
      if (ownEmulator) await harness.emulator.close();
    },
  };
  if (options.refreshed) {
    await harness.runScheduledRefresh();
    harness.emulator.reset();
  }
  return harness;
}

/** Where the plugin's routes are mounted in the test backend. */
export const API_BASE = '/api/defender-apis';
/** The ref of an API entity of the default namespace. */
export const apiRef = (name: string) => `api:default/${name}`;

export const asUser = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);
export const asService = () => mockCredentials.service.header();

/** Waits until `check` passes or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T>,
  timeoutMs = 20_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }
}

/**
 * The posture of an API entity of the default namespace, as the card reads it for `user`
 * (default paula); fails the test unless it answers 200.
 */
export async function postureOf(
  harness: Pick<PluginHarness, 'request'>,
  name: string,
  user = 'paula',
): Promise<ApiPosture> {
  const res = await harness.request
    .get(`/api/defender-apis/posture/api/default/${name}`)
    .set('Authorization', asUser(user));
  expect(res.status).toBe(200);
  return res.body;
}
