import { call, tokenFor } from '../__testUtils__/callEmulator';
import { parseGraphQuery } from '../resources/resourceGraph';
import { generateScenario } from '../scenario/generateScenario';
import { demoScenario } from '../scenario/loadScenario';
import {
  parseScenario,
  ScenarioValidationError,
} from '../scenario/parseScenario';
import { ArmEmulator, startArmEmulator } from '../server/startArmEmulator';

const GRAPH =
  '/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01';
const SUB = '11111111-1111-1111-1111-111111111111';
const RETAIL_SUB = '22222222-2222-2222-2222-222222222222';
const OTHER_TENANT = 'bbbbbbbb-0000-4000-8000-00000000000b';
const COLLECTIONS =
  "securityresources | where type =~ 'microsoft.security/apicollections' | project id, name, type, subscriptionId, properties | order by id asc";

describe('Resource Graph route of the ARM emulator', () => {
  let emulator: ArmEmulator;
  beforeAll(async () => {
    const scenario = demoScenario();
    // The retail subscription belongs to another tenant here.
    scenario.subscriptions[1].tenantId = OTHER_TENANT;
    emulator = await startArmEmulator({
      scenario,
      resourceGraph: { pageSize: 2, queriesPer5s: 1000 },
    });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const query = (body: object, token?: string) =>
    call(emulator, 'POST', GRAPH, { body, ...(token ? { token } : {}) });

  it('answers the collections of the named subscriptions in pages, as the ARM list has them', async () => {
    const rows: any[] = [];
    let skipToken: string | undefined;
    let pages = 0;
    do {
      const answer = await query({
        subscriptions: [SUB],
        query: COLLECTIONS,
        options: {
          $top: 1000,
          ...(skipToken ? { $skipToken: skipToken } : {}),
        },
      });
      expect(answer.status).toBe(200);
      expect(answer.json.count).toBe(answer.json.data.length);
      expect(answer.json.data.length).toBeLessThanOrEqual(2);
      rows.push(...answer.json.data);
      skipToken = answer.json.$skipToken;
      pages += 1;
    } while (skipToken);

    const expected = emulator
      .collections()
      .filter(c => c.id.includes(SUB))
      .sort((a, b) => a.id.localeCompare(b.id));
    expect(expected.length).toBeGreaterThan(2);
    expect(pages).toBe(Math.ceil(expected.length / 2));
    expect(rows).toEqual(
      expected.map(c => ({
        id: c.id,
        name: c.name,
        type: 'microsoft.security/apicollections',
        subscriptionId: SUB,
        properties: c.properties,
      })),
    );
  });

  it('evaluates where clauses: only API alerts, only assessments on APIM resources', async () => {
    const alerts = await query({
      subscriptions: [SUB],
      query:
        "securityresources | where type =~ 'microsoft.security/locations/alerts' | where properties.alertType startswith 'api_uNSEEN'",
    });
    expect(alerts.json.data.map((r: any) => r.properties.alertType)).toEqual([
      'API_UnseenParam',
    ]);
    const none = await query({
      subscriptions: [SUB],
      query:
        "securityresources | where type == 'Microsoft.Security/assessments'",
    });
    // `==` is case-sensitive; the table holds types in lower case.
    expect(none.json.totalRecords).toBe(0);
  });

  it('answers only the subscriptions of the token tenant', async () => {
    const both = { subscriptions: [SUB, RETAIL_SUB], query: COLLECTIONS };
    const home = await query(both);
    const other = await query(both, tokenFor(OTHER_TENANT));
    const subscriptionsOf = (answer: any) =>
      new Set(answer.json.data.map((r: any) => r.subscriptionId));
    expect(home.json.totalRecords).toBeGreaterThan(0);
    expect(subscriptionsOf(home)).toEqual(new Set([SUB]));
    expect(subscriptionsOf(other)).toEqual(new Set([RETAIL_SUB]));
  });

  it('refuses a query it does not evaluate, and a skip token of another query', async () => {
    const injected = await query({
      subscriptions: [SUB],
      query: "securityresources | where type =~ 'x' or 1 == 1 | project id",
    });
    expect(injected.status).toBe(400);
    expect(injected.json.error.message).toMatch(
      /query the emulator evaluates.*found the stage 'where type =~ 'x' or 1 == 1'/,
    );
    const otherTable = await query({ query: 'resources | limit 1' });
    expect(otherTable.json.error.message).toMatch(
      /expected the table securityresources, found 'resources'/,
    );
    const first = await query({ subscriptions: [SUB], query: COLLECTIONS });
    const crossed = await query({
      subscriptions: [SUB],
      query: `${COLLECTIONS} | project id`,
      options: { $skipToken: first.json.$skipToken },
    });
    expect(crossed.status).toBe(400);
    expect(crossed.json.error.code).toBe('InvalidSkipToken');
    const tooMany = await query({
      subscriptions: Array.from({ length: 1001 }, () => SUB),
      query: COLLECTIONS,
    });
    expect(tooMany.json.error.message).toMatch(
      /at most 1000 subscriptions; found 1001/,
    );
  });
});

describe('attack paths in the emulated Resource Graph', () => {
  it("serves a scenario subscription's attack paths in the documented schema", async () => {
    const emulator = await startArmEmulator();
    try {
      const answer = await call(emulator, 'POST', GRAPH, {
        body: {
          subscriptions: [SUB, RETAIL_SUB],
          query:
            "securityresources | where type =~ 'microsoft.security/attackpaths' | order by id asc",
        },
      });
      const paths = answer.json.data;
      expect(paths.map((p: any) => p.subscriptionId)).toEqual([
        RETAIL_SUB,
        RETAIL_SUB,
        RETAIL_SUB,
      ]);
      const first = paths[0].properties;
      const entities = first.graphComponent.entities;
      expect(first.riskLevel).toBe('High');
      expect(first.entryPointEntityInternalID).toBe(
        entities[0].entityInternalId,
      );
      expect(first.targetEntityInternalID).toBe(
        entities[entities.length - 1].entityInternalId,
      );
      expect(entities[1].entityIdentifiers.azureResourceId).toMatch(
        /\/apis\/orders-api\/operations\/get-order$/,
      );
      expect(first.graphComponent.connections).toHaveLength(
        entities.length - 1,
      );
    } finally {
      await emulator.close();
    }
  });

  it('refuses an attack path without an entry point and a target', () => {
    const scenario = demoScenario();
    scenario.subscriptions[1].attackPaths = [
      {
        name: 'lonely',
        displayName: 'One entity',
        riskLevel: 'Low',
        riskCategories: [],
        entities: [{ name: 'Internet', type: 'internet' }],
      },
    ];
    expect(() => parseScenario(scenario)).toThrow(ScenarioValidationError);
    expect(() => parseScenario(scenario)).toThrow(
      /attackPaths\[0\]\.entities: expected at least two entities/,
    );
  });
});

describe('Resource Graph throttle of the ARM emulator', () => {
  it('counts queries per principal and answers 429 with the quota headers once they are spent', async () => {
    const emulator = await startArmEmulator({
      resourceGraph: { queriesPer5s: 2 },
    });
    try {
      const body = { subscriptions: [SUB], query: COLLECTIONS };
      const answers = [];
      for (let i = 0; i < 3; i++)
        answers.push(await call(emulator, 'POST', GRAPH, { body }));
      expect(answers.map(a => a.status)).toEqual([200, 200, 429]);
      expect(answers.map(a => a.headers['x-ms-user-quota-remaining'])).toEqual([
        '1',
        '0',
        '0',
      ]);
      expect(answers[2].headers['x-ms-user-quota-resets-after']).toMatch(
        /^00:00:0[1-5]$/,
      );
      expect(Number(answers[2].headers['retry-after'])).toBeGreaterThan(0);
      // Another principal has its own quota.
      const other = await call(emulator, 'POST', GRAPH, {
        body,
        token: tokenFor(OTHER_TENANT),
      });
      expect(other.status).toBe(200);
    } finally {
      await emulator.close();
    }
  });
});

describe('summarized queries in the emulated Resource Graph', () => {
  it('summarizes rows by a segment of their id, in pages of groups, ordered by several columns', async () => {
    const BY_SERVICE =
      "securityresources | where type =~ 'microsoft.security/apicollections' | extend service = tolower(tostring(split(id, '/')[8])) | summarize items = make_list(pack('id', id, 'name', name)) by subscriptionId, resourceGroup, service | order by subscriptionId asc, service desc";
    const scenario = generateScenario({ apis: 30, services: 3 });
    const emulator = await startArmEmulator({
      scenario,
      resourceGraph: { pageSize: 2, queriesPer5s: 1000 },
    });
    const groups: any[] = [];
    let pages = 0;
    try {
      let skipToken: string | undefined;
      do {
        const answer = await call(emulator, 'POST', GRAPH, {
          body: {
            query: BY_SERVICE,
            options: skipToken ? { $skipToken: skipToken } : {},
          },
        });
        expect(answer.status).toBe(200);
        groups.push(...answer.json.data);
        skipToken = answer.json.$skipToken;
        pages += 1;
      } while (skipToken);
    } finally {
      await emulator.close();
    }
    // Three services, pages of two groups.
    expect(pages).toBe(2);
    const collections = emulator.collections();
    const serviceOf = (id: string) => id.split('/')[8].toLowerCase();
    const services = [...new Set(collections.map(c => serviceOf(c.id)))];
    expect(services.length).toBeGreaterThan(1);
    // One row per service, in descending order of service within the subscription.
    expect(groups.map(g => g.service)).toEqual([...services].sort().reverse());
    for (const group of groups) {
      expect(Object.keys(group).sort()).toEqual([
        'items',
        'resourceGroup',
        'service',
        'subscriptionId',
      ]);
      expect(group.items.map((i: any) => i.id).sort()).toEqual(
        collections
          .filter(c => serviceOf(c.id) === group.service)
          .map(c => c.id)
          .sort(),
      );
      expect(Object.keys(group.items[0]).sort()).toEqual(['id', 'name']);
    }

    // Stages whose meaning depends on an order the emulator does not run are refused.
    expect(() =>
      parseGraphQuery(`${BY_SERVICE} | where service == 'x'`),
    ).toThrow(/found 'where' after 'extend'/);
    expect(() =>
      parseGraphQuery(
        "securityresources | summarize items = make_list(pack('id', id)) by subscriptionId | project subscriptionId",
      ),
    ).toThrow(/found 'project' after 'summarize'/);
  });
});
