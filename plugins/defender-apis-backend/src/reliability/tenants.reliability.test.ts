/**
 * Reliability: services in another tenant. The emulator answers a subscription only tokens of
 * its tenant, as ARM does; the plugin reads and onboards each service with its tenant's
 * credential, whichever call comes first and on whichever process.
 */
import {
  ArmEmulator,
  demoScenario,
  Scenario,
  startArmEmulator,
} from '@defender-apis/arm-emulator';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  apiEntity,
  asUser,
  EDGE,
  eventually,
  PAYMENTS,
  PluginHarness,
  RETAIL,
  startHarness,
  SUB_A,
  SUB_B,
} from '../__testUtils__/harness';

jest.setTimeout(120_000);

const TENANT_B = 'bbbbbbbb-0000-4000-8000-00000000000b';
const posturePath = (name: string) =>
  `/api/defender-apis/posture/api/default/${name}`;

/** The demo world with the retail subscription in tenant B, its Defender for APIs plan on. */
function twoTenantScenario(): Scenario {
  const scenario = demoScenario();
  const retail = scenario.subscriptions.find(s => s.subscriptionId === SUB_B)!;
  retail.tenantId = TENANT_B;
  retail.pricings = retail.pricings.map(p =>
    p.name === 'Api' ? { ...p, pricingTier: 'Standard', subPlan: 'P1' } : p,
  );
  return scenario;
}

const RETAIL_IN_B = { ...RETAIL, tenantId: TENANT_B };
const entities = () => [
  apiEntity('payments-api', 'contoso-payments-apim/payments-api'),
  apiEntity('loyalty-api', 'contoso-retail-apim/loyalty-api'),
];

describe('reliability: services in another tenant', () => {
  let emulator: ArmEmulator;
  let h: PluginHarness | undefined;
  beforeEach(async () => {
    emulator = await startArmEmulator({
      scenario: twoTenantScenario(),
      lro: { pollsUntilDone: 1, retryAfterSeconds: 1 },
      pageSize: 5,
    });
  });
  afterEach(async () => {
    await h?.stop();
    h = undefined;
    await emulator.close();
  });

  const tenantsSeen = (subscriptionId: string) => [
    ...new Set(
      emulator
        .requests()
        .filter(r => r.path.toLowerCase().includes(subscriptionId))
        .map(r => r.tokenTenant ?? 'home'),
    ),
  ];

  /** The retail API's posture after a refresh with these services configured. */
  async function loyaltyAfterRefresh(services: Array<typeof RETAIL>) {
    h = await startHarness({ emulator, entities: entities(), services });
    await h.runScheduledRefresh();
    return (
      await h.request
        .get(posturePath('loyalty-api'))
        .set('Authorization', asUser('paula'))
    ).body;
  }

  it('reads each subscription with a token of its own tenant', async () => {
    const loyalty = await loyaltyAfterRefresh([PAYMENTS, EDGE, RETAIL_IN_B]);
    expect(loyalty).toEqual(
      expect.objectContaining({ status: 'notOnboarded', stale: false }),
    );
    expect(tenantsSeen(SUB_B)).toEqual([TENANT_B]);
    expect(tenantsSeen(SUB_A)).toEqual(['home']);
  });

  it('shows the tenant mismatch as an error when the service does not name its tenant', async () => {
    const loyalty = await loyaltyAfterRefresh([PAYMENTS, EDGE, RETAIL]);
    expect(loyalty.status).toBe('error');
    expect(loyalty.reason).toContain('401');
    expect(emulator.requests().some(r => r.status === 401)).toBe(true);
  });

  it("onboards an API of the other tenant with that tenant's credential, also on a process that never read it", async () => {
    const database = {
      client: 'better-sqlite3',
      connection: {
        directory: fs.mkdtempSync(
          path.join(os.tmpdir(), 'defender-apis-tenants-'),
        ),
      },
    };
    const options = {
      emulator,
      database,
      entities: entities(),
      services: [PAYMENTS, EDGE, RETAIL_IN_B],
    };
    const first = await startHarness(options);
    await first.runScheduledRefresh();
    expect(
      (
        await first.request
          .get(posturePath('loyalty-api'))
          .set('Authorization', asUser('paula'))
      ).body.status,
    ).toBe('notOnboarded');
    await first.stop();

    // A restarted backend: its first call to tenant B's subscription is the onboarding itself.
    h = await startHarness(options);
    const res = await h.request
      .post(`${posturePath('loyalty-api')}/onboard`)
      .set('Authorization', asUser('paula'));
    expect(res.status).toBe(202);
    await eventually(async () => {
      const body = (
        await h!.request
          .get(posturePath('loyalty-api'))
          .set('Authorization', asUser('paula'))
      ).body;
      expect(body.onboarding?.state).toBe('succeeded');
    });
    const put = emulator
      .requests()
      .filter(
        r =>
          r.method === 'PUT' &&
          r.path.toLowerCase().includes('apicollections/loyalty-api'),
      );
    expect(put.length).toBeGreaterThan(0);
    expect(put.every(r => r.tokenTenant === TENANT_B && r.status < 300)).toBe(
      true,
    );
    expect(tenantsSeen(SUB_B)).toEqual([TENANT_B]);
  });
});
