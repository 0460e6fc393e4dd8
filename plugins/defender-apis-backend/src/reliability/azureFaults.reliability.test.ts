/**
 * Reliability: faults from Azure, injected through the ARM emulator. For each fault the test
 * checks what the user sees (the entity's posture and the catalog-wide list still answer),
 * what is stored (no posture lost or blanked; affected entities stale with the reason), and
 * that the next refresh after the fault clears makes everything fresh again.
 */
/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectKeptAndStale", "expectFreshAfterFaultClears"] }] */
import { startArmEmulator } from '@defender-apis/arm-emulator';
import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';
import {
  asUser,
  PluginHarness,
  startHarness,
  SUB_A,
  SUB_B,
} from '../__testUtils__/harness';

jest.setTimeout(120_000);

const posturePath = (name: string) =>
  `/api/defender-apis/posture/api/default/${name}`;
/** APIs whose figures come from Azure, in both subscriptions. */
const SUB_A_APIS = [
  'payments-api',
  'checkout-api',
  'refunds-api',
  'ledger-api',
  'invoices-api',
  'wallet-api',
];
const SUB_B_APIS = ['orders-api', 'inventory-api'];
/**
 * Every entity whose posture depends on a read of that service (API type, revision, SKU and
 * existence come from Azure too); entities unmapped by their annotation alone depend on none.
 */
const PAYMENTS_SERVICE = [
  ...SUB_A_APIS,
  'fx-rates-api',
  'notifications-api',
  'payments-api-rev2',
  'legacy-soap-api',
  'catalog-graphql-api',
  'missing-api',
];
const IN_SUB_A = [...PAYMENTS_SERVICE, 'edge-api'];
const IN_SUB_B = SUB_B_APIS;

describe('reliability: faults from Azure', () => {
  let h: PluginHarness;

  const get = async (name: string): Promise<ApiPosture> => {
    const res = await h.request
      .get(posturePath(name))
      .set('Authorization', asUser('paula'));
    expect(res.status).toBe(200);
    return res.body;
  };
  const getAll = async (names: string[]) =>
    Object.fromEntries(
      await Promise.all(names.map(async n => [n, await get(n)] as const)),
    );
  /** The facts a fault must not blank: everything but freshness. */
  const facts = (p: ApiPosture) => ({
    status: p.status,
    endpoints: p.endpoints,
    alerts: p.alerts,
    plan: p.plan,
    recommendations: p.recommendations,
    label: p.sensitivityLabel,
  });

  beforeAll(async () => {
    // A short request timeout so that a hanging Azure call fails within the test's time.
    h = await startHarness({ azure: { requestTimeout: { seconds: 15 } } });
  });
  afterAll(() => h.stop());

  let good: Record<string, ApiPosture>;
  beforeEach(async () => {
    h.emulator.reset();
    await h.runScheduledRefresh();
    good = await getAll([...SUB_A_APIS, ...SUB_B_APIS]);
    const stale = Object.values(good).filter(p => p.stale);
    if (stale.length > 0)
      throw new Error(
        `The baseline refresh left stale postures: ${stale.map(
          p => p.entityRef,
        )}`,
      );
    h.emulator.clearRequests();
  });

  /** After a faulty refresh: stored facts are kept, `affected` are stale with `reason`, others fresh. */
  async function expectKeptAndStale(affected: string[], reason: RegExp) {
    const now = await getAll([...SUB_A_APIS, ...SUB_B_APIS]);
    for (const name of Object.keys(now)) {
      expect({ name, ...facts(now[name]) }).toEqual({
        name,
        ...facts(good[name]),
      });
      const isAffected = affected.includes(name);
      expect({ name, stale: now[name].stale }).toEqual({
        name,
        stale: isAffected,
      });
      if (isAffected) expect(now[name].staleReason).toMatch(reason);
    }
    const list = await h.request
      .get('/api/defender-apis/posture?limit=500')
      .set('Authorization', asUser('paula'));
    expect(list.status).toBe(200);
    expect(
      list.body.items
        .filter((p: ApiPosture) => p.stale)
        .map((p: ApiPosture) => p.entityRef.split('/')[1])
        .sort(),
    ).toEqual([...affected].sort());
  }

  async function expectFreshAfterFaultClears() {
    h.emulator.clearFaults();
    await h.runScheduledRefresh();
    const now = await getAll([...SUB_A_APIS, ...SUB_B_APIS]);
    for (const [name, posture] of Object.entries(now)) {
      expect({
        name,
        stale: posture.stale,
        staleReason: posture.staleReason,
      }).toEqual({ name, stale: false, staleReason: undefined });
      expect(Date.parse(posture.refreshedAt!)).toBeGreaterThan(
        Date.parse(good[name].refreshedAt!),
      );
    }
  }

  it('429 storm with Retry-After: retried as told, the refresh completes fresh', async () => {
    const storm = h.emulator.addFault({
      match: { pathPattern: '/providers/Microsoft.Security/' },
      effect: { status: 429, retryAfterSeconds: 2 },
      times: 6,
    });
    await h.runScheduledRefresh();
    const log = h.emulator.requests();
    const throttled = log.filter(r => r.faultId === storm.id);
    expect(throttled).toHaveLength(6);
    // Each throttled request is retried, not before the Retry-After it was given.
    for (const t of throttled) {
      const retry = log.find(
        r => r.path === t.path && r.timestamp > t.timestamp && r.status === 200,
      );
      expect(retry).toBeDefined();
      expect(
        Date.parse(retry!.timestamp) - Date.parse(t.timestamp),
      ).toBeGreaterThanOrEqual(1900);
    }
    const now = await getAll([...SUB_A_APIS, ...SUB_B_APIS]);
    for (const posture of Object.values(now)) expect(posture.stale).toBe(false);
  });

  it('5xx on one route: the subscription it belongs to goes stale, the rest stays fresh', async () => {
    // The Defender plans are read per subscription whichever way security data is read.
    h.emulator.addFault({
      match: {
        pathPattern: '/providers/Microsoft.Security/pricings',
        subscriptionId: SUB_A,
      },
      effect: { status: 503 },
    });
    await h.runScheduledRefresh();
    expect(
      h.armRequests('GET', '/pricings').filter(r => r.status === 503).length,
    ).toBeGreaterThan(1); // the SDK retried
    await expectKeptAndStale(IN_SUB_A, /answered 503/);
    await expectFreshAfterFaultClears();
  });

  it('a route that hangs: the call times out, its service goes stale', async () => {
    h.emulator.addFault({
      match: {
        method: 'GET',
        pathPattern: 'service/contoso-payments-apim/apis',
      },
      effect: { delayMs: 20_000 },
    });
    await h.runScheduledRefresh();
    await expectKeptAndStale(
      PAYMENTS_SERVICE,
      /did not answer in time|aborted/i,
    );
    await expectFreshAfterFaultClears();
  });

  it('malformed JSON: the read fails cleanly and keeps the last good data', async () => {
    h.emulator.addFault({
      match: { pathPattern: '/pricings$', subscriptionId: SUB_B },
      effect: { malformedJson: true },
    });
    await h.runScheduledRefresh();
    await expectKeptAndStale(IN_SUB_B, /subscription 22222222/);
    await expectFreshAfterFaultClears();
  });

  it('401 for one subscription only: the other subscription still refreshes', async () => {
    h.emulator.addFault({
      match: { pathPattern: '/', subscriptionId: SUB_B },
      effect: { status: 401, code: 'InvalidAuthenticationToken' },
    });
    await h.runScheduledRefresh();
    await expectKeptAndStale(IN_SUB_B, /answered 401/);
    await expectFreshAfterFaultClears();
  });

  it('403 for one subscription only: the other subscription still refreshes', async () => {
    h.emulator.addFault({
      match: { pathPattern: '/', subscriptionId: SUB_A },
      effect: { status: 403 },
    });
    await h.runScheduledRefresh();
    await expectKeptAndStale(IN_SUB_A, /answered 403 \(AuthorizationFailed\)/);
    await expectFreshAfterFaultClears();
  });

  it('an onboarding that ends Failed is reported and leaves the stored posture intact', async () => {
    const res = await h.request
      .post(`${posturePath('notifications-api')}/onboard`)
      .set('Authorization', asUser('paula'));
    expect(res.status).toBe(202);
    let posture: ApiPosture;
    for (;;) {
      posture = await get('notifications-api');
      if (posture.onboarding?.state === 'failed') break;
      await new Promise(resolve => setTimeout(resolve, 200));
    }
    expect(posture.status).toBe('notOnboarded');
    expect(posture.onboarding?.error).toContain('did not respond in time');
    const others = await getAll(SUB_A_APIS);
    for (const name of SUB_A_APIS)
      expect(facts(others[name])).toEqual(facts(good[name]));
  });

  it('the emulator down for a whole refresh: everything stale, nothing lost, fresh once it is back', async () => {
    const port = h.emulator.port;
    const scenario = h.emulator.scenario();
    await h.emulator.close();
    try {
      await h.runScheduledRefresh();
      await expectKeptAndStale(
        [...IN_SUB_A, ...IN_SUB_B],
        /could not be reached|did not answer in time/,
      );
    } finally {
      h.emulator = await startArmEmulator({
        port,
        scenario,
        lro: { pollsUntilDone: 1, retryAfterSeconds: 1 },
        pageSize: 5,
      });
    }
    await expectFreshAfterFaultClears();
  });
});
