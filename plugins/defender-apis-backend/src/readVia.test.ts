/**
 * Both ways a full refresh reads Defender for Cloud's security data (Azure Resource Graph and
 * ARM's lists) against one emulator: the same postures, the requests each makes, the fixed
 * query text whatever the catalog says, and the fallback to ARM when Resource Graph refuses.
 */
import { ArmEmulator, startArmEmulator } from '@defender-apis/arm-emulator';
import { Entity } from '@backstage/catalog-model';
import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';
import {
  apiEntity,
  asUser,
  demoEntities,
  generatedEstate,
  startHarness,
} from './__testUtils__/harness';
import { SECURITY_QUERIES } from './azure/resourceGraph';

jest.setTimeout(120_000);

const GRAPH_PATH = /microsoft\.resourcegraph\/resources$/i;

/** A posture without the times of its read, which differ between two refreshes. */
function withoutReadTimes(posture: ApiPosture): unknown {
  const {
    refreshedAt: _r,
    statusSince: _s,
    ...rest
  } = posture as ApiPosture & {
    statusSince?: string;
  };
  return rest;
}

/** Every posture the list route serves, by entity ref, after one scheduled refresh. */
async function posturesReadVia(
  readVia: 'arm' | 'resourceGraph',
  emulator: ArmEmulator,
  estate: {
    entities: Entity[];
    services?: ReturnType<typeof generatedEstate>['services'];
  },
) {
  const h = await startHarness({
    emulator,
    entities: estate.entities,
    ...(estate.services ? { services: estate.services } : {}),
    azure: { readVia },
  });
  try {
    emulator.clearRequests();
    await h.runScheduledRefresh();
    const requests = emulator.requests();
    const postures = new Map<string, unknown>();
    let cursor: string | undefined;
    do {
      const res = await h.request
        .get(
          `/api/defender-apis/posture?limit=100${
            cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
          }`,
        )
        .set('Authorization', asUser('paula'));
      expect(res.status).toBe(200);
      for (const item of res.body.items as ApiPosture[])
        postures.set(item.entityRef, withoutReadTimes(item));
      cursor = res.body.nextCursor;
    } while (cursor);
    const health = (await h.request.get('/api/defender-apis/health')).body;
    return { postures, requests, health };
  } finally {
    await h.stop();
  }
}

describe.each([
  [
    'the demo scenario',
    () => ({ scenario: undefined, entities: demoEntities() }),
  ],
  [
    'a generated scenario',
    () => generatedEstate({ apis: 120, services: 6, subscriptions: 3 }),
  ],
])('reading security data via Resource Graph or ARM, %s', (_name, estateOf) => {
  let emulator: ArmEmulator;
  let estate: ReturnType<typeof estateOf>;
  beforeAll(async () => {
    estate = estateOf();
    emulator = await startArmEmulator({
      ...(estate.scenario ? { scenario: estate.scenario } : {}),
      pageSize: 7,
      resourceGraph: { pageSize: 25 },
    });
  });
  afterAll(() => emulator.close());

  it('gives the same postures, with queries in place of the per-subscription lists', async () => {
    // One emulator for both, not reset between: alert times count from its start.
    const arm = await posturesReadVia('arm', emulator, estate);
    const graph = await posturesReadVia('resourceGraph', emulator, estate);

    expect(arm.postures.size).toBe(estate.entities.length);
    expect([...graph.postures.entries()]).toEqual([...arm.postures.entries()]);
    const statuses = new Set(
      [...arm.postures.values()].map(p => (p as ApiPosture).status),
    );
    // The comparison covers onboarded APIs with findings, not only empty ones.
    expect(statuses).toContain('atRisk');

    const lists = (requests: typeof arm.requests) =>
      requests.filter(r =>
        /\/(alerts|assessments|apicollections)$/i.test(r.path),
      ).length;
    expect(lists(arm.requests)).toBeGreaterThan(0);
    expect(lists(graph.requests)).toBe(0);
    expect(graph.requests.some(r => GRAPH_PATH.test(r.path))).toBe(true);
    // Read via ARM, Resource Graph is asked only for attack paths, which only it serves.
    expect(
      arm.requests
        .filter(r => GRAPH_PATH.test(r.path))
        .every(
          r =>
            (r.body as { query: string }).query ===
            SECURITY_QUERIES.attackPaths,
        ),
    ).toBe(true);
    expect(graph.health.refresh).toEqual(
      expect.objectContaining({ state: 'ok', readVia: 'resourceGraph' }),
    );
    expect(graph.health.refresh.readViaFallback).toBeUndefined();
  });
});

describe('Resource Graph queries', () => {
  it('are fixed text: catalog text never reaches a query, only subscription ids in the scope', async () => {
    const emulator = await startArmEmulator({});
    const hostile = `contoso-payments-apim/x' | where 1 == 1 | project secrets //`;
    try {
      const entities = [
        ...demoEntities(),
        apiEntity('hostile-api', hostile),
        {
          ...apiEntity('hostile-title', 'contoso-payments-apim/payments-api'),
          metadata: {
            name: 'hostile-title',
            namespace: 'default',
            title: "' or type =~ 'microsoft.security/pricings",
            annotations: {
              'azure.com/api-management-api': "contoso-payments-apim/'; drop",
            },
          },
        },
      ];
      const h = await startHarness({
        emulator,
        entities,
        azure: { readVia: 'resourceGraph' },
      });
      try {
        emulator.clearRequests();
        await h.runScheduledRefresh();
        const graph = emulator.requests().filter(r => GRAPH_PATH.test(r.path));
        expect(graph.length).toBe(Object.keys(SECURITY_QUERIES).length);
        for (const request of graph) {
          const body = request.body as {
            query: string;
            subscriptions: string[];
          };
          expect(Object.values(SECURITY_QUERIES)).toContain(body.query);
          for (const id of body.subscriptions)
            expect(id).toMatch(/^[0-9a-f-]{36}$/);
        }
      } finally {
        await h.stop();
      }
    } finally {
      await emulator.close();
    }
  });

  it('fall back to ARM lists when Resource Graph answers 403, saying why in the log and on the health route', async () => {
    const logLines: string[] = [];
    const h = await startHarness({
      azure: { readVia: 'resourceGraph' },
      logLines,
    });
    try {
      h.emulator.addFault({
        match: { pathPattern: 'Microsoft.ResourceGraph' },
        effect: { status: 403 },
      });
      await h.runScheduledRefresh();
      const health = (await h.request.get('/api/defender-apis/health')).body;
      expect(health.refresh).toEqual(
        expect.objectContaining({
          state: 'ok',
          readVia: 'arm',
          readViaFallback: expect.stringMatching(
            /Resource Graph answered 403.*through ARM lists/,
          ),
        }),
      );
      const checkout = (
        await h.request
          .get('/api/defender-apis/posture/api/default/checkout-api')
          .set('Authorization', asUser('paula'))
      ).body;
      expect(checkout.stale).toBe(false);
      expect(checkout.alerts.active).toBeGreaterThan(0);
      expect(
        logLines.some(
          line =>
            /Azure Resource Graph refused the query/.test(line) &&
            /answered 403 \(AuthorizationFailed\)/.test(line),
        ),
      ).toBe(true);

      // Resource Graph allowed again: the next refresh reads through it.
      h.emulator.clearFaults();
      await h.runScheduledRefresh();
      const after = (await h.request.get('/api/defender-apis/health')).body;
      expect(after.refresh.readVia).toBe('resourceGraph');
      expect(after.refresh.readViaFallback).toBeUndefined();
    } finally {
      await h.stop();
    }
  });

  it('keep the last good data, marked stale, when Resource Graph fails otherwise', async () => {
    const h = await startHarness({ azure: { readVia: 'resourceGraph' } });
    try {
      await h.runScheduledRefresh();
      h.emulator.addFault({
        match: { pathPattern: 'Microsoft.ResourceGraph' },
        effect: { status: 400, code: 'BadRequest' },
      });
      await h.runScheduledRefresh();
      const checkout = (
        await h.request
          .get('/api/defender-apis/posture/api/default/checkout-api')
          .set('Authorization', asUser('paula'))
      ).body;
      expect(checkout.stale).toBe(true);
      expect(checkout.staleReason).toMatch(/Azure Resource Graph/);
      expect(checkout.alerts.active).toBeGreaterThan(0);
    } finally {
      await h.stop();
    }
  });
});
