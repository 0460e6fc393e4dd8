/**
 * Defender CSPM attack paths through APIs, read from Azure Resource Graph against the
 * emulator: on the card's posture, in the list's filter, one query per tenant per refresh,
 * and "not available" with the reason when the plan is off or Resource Graph refuses.
 */
import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';
import {
  PluginHarness,
  apiEntity,
  asUser,
  demoEntities,
  postureOf,
  startHarness,
} from './__testUtils__/harness';
import { SECURITY_QUERIES } from './azure/resourceGraph';

jest.setTimeout(60_000);

const BASE = '/api/defender-apis';

async function listed(h: PluginHarness, query: string): Promise<string[]> {
  const res = await h.request
    .get(`${BASE}/posture${query}`)
    .set('Authorization', asUser('paula'));
  expect(res.status).toBe(200);
  return (res.body.items as ApiPosture[]).map(p => p.entityRef).sort();
}

const attackPathQueries = (h: PluginHarness) =>
  h.emulator
    .requests()
    .filter(
      r =>
        /resourcegraph/i.test(r.path) &&
        (r.body as { query?: string }).query === SECURITY_QUERIES.attackPaths,
    );

describe.each(['arm', 'resourceGraph'] as const)(
  'attack paths, security data read via %s',
  readVia => {
    let h: PluginHarness;
    beforeAll(async () => {
      h = await startHarness({
        azure: { readVia },
        entities: [
          ...demoEntities(),
          apiEntity(
            'loyalty-api',
            'contoso-retail-apim/loyalty-api',
            'group:default/team-retail',
          ),
        ],
      });
      h.emulator.clearRequests();
      await h.runScheduledRefresh();
    });
    afterAll(() => h.stop());

    it('shows the paths through the API, highest risk first, with entry point, target and operations', async () => {
      const orders = await postureOf(h, 'orders-api');
      expect(orders.attackPaths).toEqual({
        available: true,
        items: [
          expect.objectContaining({
            displayName:
              'Internet exposed API endpoint reaches a virtual machine with critical vulnerabilities',
            riskLevel: 'Critical',
            riskCategories: ['Lateral movement'],
            entryPoint: 'Internet',
            target: 'vm-orders-worker',
            through: ['POST /orders/sync'],
            url: expect.stringMatching(/^https:\/\/portal\.azure\.com\//),
          }),
          expect.objectContaining({
            riskLevel: 'High',
            riskCategories: ['Exposure', 'Data exfiltration'],
            target: 'retailorders',
            through: ['GET /orders/{orderId}'],
          }),
        ],
      });
      // Known none: CSPM is on and no path goes through the API.
      expect((await postureOf(h, 'inventory-api')).attackPaths).toEqual({
        available: true,
        items: [],
      });
    });

    it('says why attack paths are not known where Defender CSPM is off, never none', async () => {
      const checkout = await postureOf(h, 'checkout-api');
      expect(checkout.attackPaths).toEqual({
        available: false,
        reason: expect.stringMatching(
          /Defender CSPM is off in subscription 11111111-.*attack path analysis needs it/,
        ),
        items: [],
      });
    });

    it('reads them in one query for the tenant per refresh, whatever the number of APIs', () => {
      expect(attackPathQueries(h)).toHaveLength(1);
    });

    it('filters the list to the APIs on an attack path, or known to be on none', async () => {
      expect(await listed(h, '?onAttackPath=true')).toEqual([
        'api:default/orders-api',
      ]);
      expect(await listed(h, '?onAttackPath=false')).toEqual([
        'api:default/inventory-api',
        'api:default/loyalty-api',
      ]);
      const bad = await h.request
        .get(`${BASE}/posture?onAttackPath=yes`)
        .set('Authorization', asUser('paula'));
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/onAttackPath/);
    });
  },
);

describe('attack paths when Resource Graph refuses', () => {
  it('are not available with the reason, and the list filter counts them in neither choice', async () => {
    const h = await startHarness();
    try {
      h.emulator.addFault({
        match: { pathPattern: 'Microsoft.ResourceGraph' },
        effect: { status: 403 },
      });
      await h.runScheduledRefresh();
      const orders = await postureOf(h, 'orders-api');
      expect(orders.attackPaths).toEqual({
        available: false,
        reason: expect.stringMatching(
          /answered 403 \(AuthorizationFailed\) for the attack paths of tenant home/,
        ),
        items: [],
      });
      // The rest of the posture was read as usual.
      expect(orders.stale).toBe(false);
      expect(await listed(h, '?onAttackPath=true')).toEqual([]);
      expect(await listed(h, '?onAttackPath=false')).toEqual([]);
    } finally {
      await h.stop();
    }
  });
});
