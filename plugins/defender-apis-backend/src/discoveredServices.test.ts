/**
 * Services discovered in configured subscriptions (`defenderApis.apiManagement.subscriptions`),
 * through the whole plugin against the ARM emulator: listed once per subscription, mapped like
 * configured ones, ambiguous short names refused with the candidates, a failed list survived.
 */
import { demoScenario } from '@defender-apis/arm-emulator';
import { JsonObject } from '@backstage/types';
import { SUB_A, SUB_B, postureOf, startHarness } from './__testUtils__/harness';

const LIST_SERVICES =
  /\/subscriptions\/[^/]+\/providers\/Microsoft\.ApiManagement\/service$/i;

/** Only subscriptions in the config: every service is found by listing them. */
const BY_SUBSCRIPTION: JsonObject = {
  apiManagement: {
    services: [],
    subscriptions: [{ subscriptionId: SUB_A }, { subscriptionId: SUB_B }],
  },
};

describe('services discovered in configured subscriptions', () => {
  it('lists each subscription once a refresh and maps short and full annotations as if configured', async () => {
    const configured = await startHarness({ refreshed: true });
    const discovered = await startHarness({ config: BY_SUBSCRIPTION });
    try {
      await discovered.runScheduledRefresh();
      const lists = discovered
        .armRequests('GET', '/providers/Microsoft.ApiManagement/service')
        .filter(r => LIST_SERVICES.test(r.path));
      expect(lists.map(r => r.path.split('/')[2]).sort()).toEqual(
        [SUB_A, SUB_B].sort(),
      );
      // Short forms in both subscriptions, a full id, an unknown service: the same as configured.
      for (const name of [
        'checkout-api',
        'inventory-api',
        'payments-api',
        'edge-api',
        'ghost-api',
      ]) {
        const [viaList, viaConfig] = [
          await postureOf(discovered, name),
          await postureOf(configured, name),
        ];
        expect({ name, status: viaList.status }).toEqual({
          name,
          status: viaConfig.status,
        });
      }
      expect((await postureOf(discovered, 'ghost-api')).status).toBe(
        'unmapped',
      );
    } finally {
      await configured.stop();
      await discovered.stop();
    }
  });

  it('refuses a short name found in two subscriptions, naming both', async () => {
    const scenario = structuredClone(demoScenario());
    // The retail subscription gets a service named like the payments one.
    scenario.subscriptions[1].services[0].name = 'contoso-payments-apim';
    const h = await startHarness({
      scenario,
      config: BY_SUBSCRIPTION,
      refreshed: true,
    });
    try {
      const posture = await postureOf(h, 'checkout-api');
      expect(posture.status).toBe('unmapped');
      expect(posture.reason).toContain(
        `"contoso-payments-apim", which is in 2 places: resource group rg-payments of subscription ${SUB_A}; resource group rg-retail of subscription ${SUB_B}`,
      );
    } finally {
      await h.stop();
    }
  });

  it('keeps the services it listed when a later list fails', async () => {
    const h = await startHarness({
      config: { ...BY_SUBSCRIPTION, refresh: { frequency: '1s' } },
      refreshed: true,
    });
    try {
      const before = (await postureOf(h, 'checkout-api')).status;
      expect(before).not.toBe('unmapped');
      h.emulator.addFault({
        match: { pathPattern: LIST_SERVICES.source },
        effect: { status: 403 },
      });
      await new Promise(resolve => setTimeout(resolve, 1100));
      await h.runScheduledRefresh();
      expect(
        h
          .armRequests('GET', '/providers/Microsoft.ApiManagement/service')
          .some(r => LIST_SERVICES.test(r.path) && r.status === 403),
      ).toBe(true);
      expect((await postureOf(h, 'checkout-api')).status).toBe(before);
    } finally {
      await h.stop();
    }
  });
});
