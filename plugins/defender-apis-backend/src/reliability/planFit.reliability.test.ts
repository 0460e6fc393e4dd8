/**
 * Reliability: plan fit. A refresh reads each APIM service's Requests metric once, sums it per
 * subscription and shows it against the plan on every API of the subscription; a failed
 * metrics read leaves plan fit unknown and the posture fresh.
 */
import { demoScenario } from '@defender-apis/arm-emulator';
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
const METRICS = 'Microsoft.Insights/metrics';

describe('reliability: plan fit', () => {
  let h: PluginHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  const get = async (
    harness: PluginHarness,
    name: string,
  ): Promise<ApiPosture> => {
    const res = await harness.request
      .get(posturePath(name))
      .set('Authorization', asUser('paula'));
    expect(res.status).toBe(200);
    return res.body;
  };

  it("shows the subscription's summed traffic against its plan, reading each service's metric once for several refreshes", async () => {
    h = await startHarness();
    await h.runScheduledRefresh();
    const payments = await get(h, 'payments-api');
    // payments-prod on P1: 900k (payments) + 350k (edge) requests in 30 days, above P1's 1M.
    expect(payments.stale).toBe(false);
    expect(payments.plan).toEqual({
      enabled: true,
      subPlan: 'P1',
      subscriptionId: SUB_A,
      // payments-prod has no Defender CSPM plan.
      apiPosture: false,
      sensitiveDataDiscovery: false,
      traffic: {
        requestsLast30Days: 1_250_000,
        entitlement: 1_000_000,
        verdict: 'exceeds',
        suggestedPlan: 'P2',
      },
    });
    // retail-dev has the plan off: nothing to fit.
    expect((await get(h, 'orders-api')).plan?.traffic).toBeUndefined();
    const metricReads = h.emulator
      .requests()
      .filter(r => r.path.includes(METRICS));
    expect(metricReads.map(r => r.path.split('/')[8]).sort()).toEqual([
      'contoso-edge-apim',
      'contoso-payments-apim',
      'contoso-retail-apim',
    ]);
    expect(metricReads.every(r => r.status === 200)).toBe(true);

    // The summary gives the platform team every subscription's plan fit in one place.
    const summary = (
      await h.request
        .get('/api/defender-apis/summary')
        .set('Authorization', asUser('priya'))
    ).body;
    expect(summary.plans).toEqual([
      expect.objectContaining({
        subscriptionId: SUB_A,
        subPlan: 'P1',
        traffic: expect.objectContaining({ verdict: 'exceeds' }),
      }),
      expect.objectContaining({ subscriptionId: SUB_B, enabled: false }),
    ]);

    // The next refresh reuses the 30-day counts: its ARM calls stay one set per subscription and service.
    await h.runScheduledRefresh();
    expect(
      h.emulator.requests().filter(r => r.path.includes(METRICS)),
    ).toHaveLength(3);
    expect((await get(h, 'payments-api')).plan?.traffic?.verdict).toBe(
      'exceeds',
    );
  });

  it('says a smaller plan fits, with entitlements from config', async () => {
    const scenario = demoScenario();
    scenario.subscriptions[0].pricings.find(p => p.name === 'Api')!.subPlan =
      'P3';
    h = await startHarness({
      scenario,
      config: { planEntitlements: { P2: 2_000_000 } },
    });
    await h.runScheduledRefresh();
    expect((await get(h, 'checkout-api')).plan?.traffic).toEqual({
      requestsLast30Days: 1_250_000,
      entitlement: 50_000_000,
      verdict: 'smallerPlanFits',
      suggestedPlan: 'P2',
    });
  });

  it('leaves the posture fresh without traffic when the metrics read fails', async () => {
    h = await startHarness();
    h.emulator.addFault({
      match: { method: 'GET', pathPattern: METRICS },
      effect: { status: 503 },
      times: 100,
    });
    await h.runScheduledRefresh();
    const payments = await get(h, 'payments-api');
    expect(payments.stale).toBe(false);
    expect(payments.staleReason).toBeUndefined();
    expect(payments.plan).toEqual({
      enabled: true,
      subPlan: 'P1',
      subscriptionId: SUB_A,
      apiPosture: false,
      sensitiveDataDiscovery: false,
    });
    expect(
      h.emulator
        .requests()
        .some(r => r.path.includes(METRICS) && r.status === 503),
    ).toBe(true);
  });
});
