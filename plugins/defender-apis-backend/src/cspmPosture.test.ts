/**
 * Two kinds of coverage through the whole plugin against the ARM emulator: the Defender for
 * APIs plan (threat protection) and Defender CSPM's API posture extension (posture findings
 * only), in every combination, read from the subscription's pricings in one request.
 */
import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';
import {
  PluginHarness,
  asUser,
  postureOf,
  startHarness,
} from './__testUtils__/harness';
import { retailWith } from './__testUtils__/retailScenario';

jest.setTimeout(60_000);

describe('Defender CSPM API posture beside the Defender for APIs plan', () => {
  let h: PluginHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('shows an API covered by CSPM posture only as postureOnly, with its findings and unscanned sensitive data', async () => {
    h = await startHarness({
      scenario: retailWith({ cspm: true, apiPosture: true }),
      // Anyone may onboard: the refusal below is the plan's, not the caller's.
      policyDecision: () => 'ALLOW',
      refreshed: true,
    });
    const orders = await postureOf(h, 'orders-api');
    expect(orders.status).toBe('postureOnly');
    expect(orders.reason).toContain('Posture findings from Defender CSPM');
    expect(orders.reason).toContain('no threat detection');
    expect(orders.plan).toMatchObject({
      enabled: false,
      apiPosture: true,
      sensitiveDataDiscovery: false,
    });
    expect(orders.endpoints).toEqual({
      total: 9,
      unauthenticated: 2,
      inactive: 1,
      external: 3,
      sensitiveDataExposed: 0,
      sensitiveDataScanned: false,
    });
    // Not reported by CSPM yet: still posture only, and says so.
    const inventory = await postureOf(h, 'inventory-api');
    expect(inventory.status).toBe('postureOnly');
    expect(inventory.reason).toContain('has not reported this API yet');
    expect(inventory.endpoints).toBeUndefined();

    // Counted as covered for posture, not as onboarded (threat-protected).
    const summary = (
      await h.request
        .get('/api/defender-apis/summary')
        .set('Authorization', asUser('paula'))
    ).body;
    const postureOnly = summary.byStatus.postureOnly;
    expect(postureOnly).toBeGreaterThanOrEqual(2);
    expect(summary.postureCovered).toBe(summary.onboarded + postureOnly);

    // The governance page's "Defender plan" filter: coverage, met with status in SQL.
    const list = async (query: string) =>
      (
        await h.request
          .get(`/api/defender-apis/posture?${query}`)
          .set('Authorization', asUser('paula'))
      ).body;
    const postureOnlyList = await list('coverage=postureOnly');
    expect(postureOnlyList.totalItems).toBe(postureOnly);
    expect(
      new Set(postureOnlyList.items.map((p: ApiPosture) => p.status)),
    ).toEqual(new Set(['postureOnly']));
    const neither = await list('coverage=postureOnly&status=atRisk');
    expect(neither).toMatchObject({ items: [], totalItems: 0 });

    // The Defender for APIs plan is off: onboarding cannot work and is refused.
    const onboard = await h.request
      .post('/api/defender-apis/posture/api/default/orders-api/onboard')
      .set('Authorization', asUser('paula'));
    expect(onboard.status).toBe(409);
    expect(onboard.body.error.message).toContain('Defender CSPM');
  });

  it('scans sensitive data when CSPM sensitive data discovery is on', async () => {
    h = await startHarness({
      scenario: retailWith({
        cspm: true,
        apiPosture: true,
        sensitiveDataDiscovery: true,
      }),
      refreshed: true,
    });
    const orders = await postureOf(h, 'orders-api');
    expect(orders.status).toBe('postureOnly');
    expect(orders.endpoints?.sensitiveDataScanned).toBeUndefined();
  });

  it.each([
    ['neither plan', {}],
    ['CSPM on without its API posture extension', { cspm: true }],
    [
      'the API posture extension of a CSPM plan that is off',
      { cspm: false, apiPosture: true },
    ],
  ])('shows the plan off with %s', async (_name, plans) => {
    h = await startHarness({ scenario: retailWith(plans), refreshed: true });
    const orders = await postureOf(h, 'orders-api');
    expect(orders.status).toBe('planDisabled');
    expect(orders.plan?.apiPosture).toBe(false);
  });

  it('shows threat protection when the Defender for APIs plan is on, with or without CSPM posture', async () => {
    h = await startHarness({
      scenario: retailWith({ apisPlan: true, cspm: true, apiPosture: true }),
      refreshed: true,
    });
    const orders = await postureOf(h, 'orders-api');
    expect(orders.status).toBe('atRisk');
    expect(orders.plan).toMatchObject({ enabled: true, apiPosture: true });
    expect(orders.endpoints?.sensitiveDataScanned).toBeUndefined();
  });

  it('reads every plan of a subscription in one request a refresh', async () => {
    h = await startHarness({
      scenario: retailWith({ cspm: true, apiPosture: true }),
      refreshed: true,
    });
    await h.runScheduledRefresh();
    const pricingReads = h.armRequests(
      'GET',
      '/providers/Microsoft.Security/pricings',
    );
    expect(pricingReads.map(r => r.path.split('/')[2]).sort()).toEqual(
      [...new Set(pricingReads.map(r => r.path.split('/')[2]))].sort(),
    );
    expect(pricingReads.every(r => r.path.endsWith('/pricings'))).toBe(true);
  });
});
