/**
 * Which endpoints are at risk, through the whole plugin against the ARM emulator: endpoint
 * findings and recommendations from the assessments the refresh reads (any key), and method
 * and URL template from API Management's operations, read only when the list is opened.
 */
import { demoScenario, Scenario } from '@defender-apis/arm-emulator';
import { ApiEndpointList } from '@defender-apis/plugin-defender-apis-common';
import {
  PAYMENTS,
  PluginHarness,
  SUB_A,
  asUser,
  fullId,
  postureOf,
  startHarness,
} from './__testUtils__/harness';

jest.setTimeout(60_000);

const BASE = '/api/defender-apis/posture/api/default';
const LEDGER = fullId(PAYMENTS, 'ledger-api');

async function endpointsOf(
  h: PluginHarness,
  name: string,
): Promise<ApiEndpointList> {
  const res = await h.request
    .get(`${BASE}/${name}/endpoints`)
    .set('Authorization', asUser('paula'));
  expect(res.status).toBe(200);
  return res.body;
}

/** The demo, with ledger-api's 12 operations and findings under a key nobody knows. */
function ledgerWithManyOperations(): Scenario {
  const scenario = structuredClone(demoScenario());
  const payments = scenario.subscriptions.find(
    s => s.subscriptionId === SUB_A,
  )!;
  const ledger = payments.services[0].apis.find(a => a.name === 'ledger-api')!;
  ledger.operations = Array.from({ length: 12 }, (_, i) => ({
    name: `op-${String(i).padStart(2, '0')}`,
    displayName: `Operation ${i}`,
    method: i % 2 ? 'POST' : 'GET',
    urlTemplate: `/things/${i}`,
  }));
  payments.assessments = [
    ...(payments.assessments ?? []),
    {
      name: '5f1e0b7c-0000-4000-8000-000000000042',
      displayName: 'A recommendation released after this plugin',
      resourceId: `${LEDGER}/operations/op-11`,
      status: { code: 'Unhealthy' },
      metadata: {
        severity: 'Medium',
        remediationDescription: 'Do the new thing.',
      },
    },
  ];
  return scenario;
}

describe('endpoints with findings', () => {
  let h: PluginHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it("names each at-risk endpoint with Azure's severity and remediation, and its method and URL template on request", async () => {
    h = await startHarness({ refreshed: true });
    const checkout = await postureOf(h, 'checkout-api');
    expect(checkout.endpointFindings).toEqual([
      {
        operationId: 'create-order',
        findings: ['unauthenticated'],
        recommendationKeys: ['91af2040-7874-4659-abf0-578e1f8d07dc'],
      },
      {
        operationId: 'get-order-status',
        findings: ['unauthenticated'],
        recommendationKeys: ['91af2040-7874-4659-abf0-578e1f8d07dc'],
      },
    ]);
    expect(checkout.endpointFindingsTotal).toBe(2);
    expect(checkout.recommendations).toEqual([
      expect.objectContaining({
        key: '91af2040-7874-4659-abf0-578e1f8d07dc',
        severity: 'High',
        remediation: expect.stringContaining('validate-jwt'),
        endpoints: ['create-order', 'get-order-status'],
        url: expect.stringContaining(
          'AssessmentBlade/assessmentKey/91af2040-7874-4659-abf0-578e1f8d07dc',
        ),
      }),
    ]);
    // The refresh read no operations list.
    expect(h.armRequests('GET', '/operations')).toEqual([]);

    const list = await endpointsOf(h, 'checkout-api');
    expect(list.total).toBe(2);
    expect(list.operationsError).toBeUndefined();
    expect(
      list.items.map(e => [e.operationId, e.method, e.urlTemplate, e.findings]),
    ).toEqual([
      ['create-order', 'POST', '/orders', ['unauthenticated']],
      [
        'get-order-status',
        'GET',
        '/orders/{orderId}/status',
        ['unauthenticated'],
      ],
    ]);
    expect(list.items[0].displayName).toBe('Create order');
    // One read of the API's operations, shared by the next opening and other callers.
    await endpointsOf(h, 'checkout-api');
    await Promise.all([
      endpointsOf(h, 'checkout-api'),
      endpointsOf(h, 'checkout-api'),
    ]);
    expect(h.armRequests('GET', 'apis/checkout-api/operations')).toHaveLength(
      1,
    );

    // An API without findings lists none and reads nothing.
    const payments = await endpointsOf(h, 'payments-api');
    expect(payments).toEqual({ items: [], total: 0 });
    expect(h.armRequests('GET', 'apis/payments-api/operations')).toEqual([]);
  });

  it('shows a recommendation whatever its key, and follows the pages of the operations', async () => {
    h = await startHarness({
      scenario: ledgerWithManyOperations(),
      refreshed: true,
    });
    const ledger = await postureOf(h, 'ledger-api');
    const unknown = ledger.recommendations.find(r =>
      r.key.startsWith('5f1e0b7c'),
    );
    expect(unknown).toMatchObject({
      displayName: 'A recommendation released after this plugin',
      severity: 'Medium',
      remediation: 'Do the new thing.',
      endpoints: ['op-11'],
    });
    const list = await endpointsOf(h, 'ledger-api');
    const op11 = list.items.find(e => e.operationId === 'op-11');
    // Not a kind the plugin knows: listed with its recommendation, without a finding kind.
    expect(op11).toMatchObject({
      method: 'POST',
      urlTemplate: '/things/11',
      findings: [],
      recommendationKeys: ['5f1e0b7c-0000-4000-8000-000000000042'],
    });
    // 12 operations at the harness's page size of 5: three pages, one call each.
    expect(h.armRequests('GET', 'apis/ledger-api/operations')).toHaveLength(3);
  });

  it('lists the endpoints without method and URL when API Management cannot be read, saying why', async () => {
    h = await startHarness({ refreshed: true });
    h.emulator.addFault({
      match: { method: 'GET', pathPattern: 'apis/checkout-api/operations' },
      effect: { status: 403, code: 'AuthorizationFailed' },
    });
    const list = await endpointsOf(h, 'checkout-api');
    expect(list.items.map(e => e.operationId)).toEqual([
      'create-order',
      'get-order-status',
    ]);
    expect(list.items[0].method).toBeUndefined();
    expect(list.operationsError).toMatch(
      /Azure Resource Manager answered 403 \(AuthorizationFailed\) for the operations of checkout-api/,
    );
    // Hidden entities stay hidden: the same 404 as the card.
    const hidden = await h.request
      .get(`${BASE}/no-such-api/endpoints`)
      .set('Authorization', asUser('paula'));
    expect(hidden.status).toBe(404);
  });
});
