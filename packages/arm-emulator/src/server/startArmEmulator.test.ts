import { generateScenario } from '../scenario/generateScenario';
import { demoScenario } from '../scenario/loadScenario';
import { ArmEmulator, startArmEmulator } from './startArmEmulator';
import { Answer, call, tokenFor } from '../__testUtils__/callEmulator';

const SUB = '11111111-1111-1111-1111-111111111111';
const TENANT_B = 'bbbbbbbb-0000-4000-8000-00000000000b';
const RETAIL_SUB = '22222222-2222-2222-2222-222222222222';
const SERVICE = `/subscriptions/${SUB}/resourceGroups/rg-payments/providers/Microsoft.ApiManagement/service/contoso-payments-apim`;
const COLLECTIONS_VERSION = 'api-version=2023-11-15';
const APIM_VERSION = 'api-version=2024-05-01';
const collectionPath = (apiId: string) =>
  `${SERVICE}/providers/Microsoft.Security/apiCollections/${apiId}?${COLLECTIONS_VERSION}`;

describe('ARM emulator', () => {
  let emulator: ArmEmulator;
  beforeAll(async () => {
    emulator = await startArmEmulator({
      pageSize: 4,
      lro: { pollsUntilDone: 2, retryAfterSeconds: 3 },
    });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  describe("a subscription's API Management services", () => {
    it('lists them in pages that follow nextLink, and answers 404 for an unknown subscription', async () => {
      const names: string[] = [];
      let next:
        | string
        | undefined = `/subscriptions/${SUB}/providers/Microsoft.ApiManagement/service?${APIM_VERSION}`;
      while (next) {
        const answer = await call(emulator, 'GET', next);
        expect(answer.status).toBe(200);
        names.push(...answer.json.value.map((s: { name: string }) => s.name));
        next = answer.json.nextLink;
      }
      expect(names.sort()).toEqual([
        'contoso-edge-apim',
        'contoso-payments-apim',
      ]);
      const missing = await call(
        emulator,
        'GET',
        `/subscriptions/99999999-9999-9999-9999-999999999999/providers/Microsoft.ApiManagement/service?${APIM_VERSION}`,
      );
      expect(missing.status).toBe(404);
      expect(missing.json.error.code).toBe('SubscriptionNotFound');
    });
  });

  describe('authentication and errors', () => {
    it('answers 401 with an ARM error body without a bearer token, and records it', async () => {
      const answer = await call(
        emulator,
        'GET',
        `${SERVICE}/apis?${APIM_VERSION}`,
        { token: null },
      );
      expect(answer.status).toBe(401);
      expect(answer.json.error.code).toBe('AuthenticationFailed');
      expect(answer.json.error.message).toMatch(
        /'Authorization' header is missing/,
      );
      expect(emulator.requests()).toEqual([
        expect.objectContaining({
          method: 'GET',
          status: 401,
          hasBearerToken: false,
        }),
      ]);
    });

    it('answers a subscription only tokens of its tenant, as ARM does, and records the tenant', async () => {
      const scenario = demoScenario();
      scenario.subscriptions.find(
        s => s.subscriptionId === RETAIL_SUB,
      )!.tenantId = TENANT_B;
      const twoTenants = await startArmEmulator({ scenario });
      try {
        const retailServices = `/subscriptions/${RETAIL_SUB}/resourceGroups/rg-retail/providers/Microsoft.ApiManagement/service/contoso-retail-apim/apis?${APIM_VERSION}`;
        const home = await call(twoTenants, 'GET', retailServices);
        expect(home.status).toBe(401);
        expect(home.json.error.code).toBe('InvalidAuthenticationTokenTenant');
        expect(
          (
            await call(twoTenants, 'GET', retailServices, {
              token: tokenFor(TENANT_B),
            })
          ).status,
        ).toBe(200);
        // A tenant-B token is refused by the home tenant's subscription.
        expect(
          (
            await call(twoTenants, 'GET', `${SERVICE}/apis?${APIM_VERSION}`, {
              token: tokenFor(TENANT_B),
            })
          ).status,
        ).toBe(401);
        expect(
          twoTenants.requests().map(r => [r.status, r.tokenTenant]),
        ).toEqual([
          [401, undefined],
          [200, TENANT_B],
          [401, TENANT_B],
        ]);
      } finally {
        await twoTenants.close();
      }
    });

    it('refuses a missing or unknown api-version and an unknown resource in ARM shape', async () => {
      const missing = await call(emulator, 'GET', `${SERVICE}/apis`);
      expect(missing.status).toBe(400);
      expect(missing.json.error.code).toBe('MissingApiVersionParameter');
      const wrong = await call(
        emulator,
        'GET',
        `${SERVICE}/apis?api-version=1999-01-01`,
      );
      expect(wrong.status).toBe(400);
      expect(wrong.json.error.code).toBe('InvalidApiVersionParameter');
      const unknown = await call(
        emulator,
        'GET',
        `${SERVICE.replace(
          'contoso-payments-apim',
          'nope',
        )}/apis?${APIM_VERSION}`,
      );
      expect(unknown.status).toBe(404);
      expect(unknown.json.error.code).toMatch(/NotFound/);
    });
  });

  describe('paging', () => {
    it('pages APIM APIs with $top/$skip nextLinks and an empty nextLink at the end', async () => {
      const names: string[] = [];
      let next: string | undefined = `${SERVICE}/apis?${APIM_VERSION}`;
      let pages = 0;
      while (next) {
        const page: Answer = await call(emulator, 'GET', next);
        expect(page.status).toBe(200);
        expect(page.json.count).toBe(13);
        names.push(...page.json.value.map((api: { name: string }) => api.name));
        next = page.json.nextLink || undefined;
        pages += 1;
      }
      expect(pages).toBe(4);
      expect(names).toHaveLength(13);
      expect(new Set(names).size).toBe(13);
      expect(names).toContain('payments-api;rev=2');
    });

    it("lists an API's operations in APIM's shape, and 404 for an unknown API", async () => {
      const page: Answer = await call(
        emulator,
        'GET',
        `${SERVICE}/apis/checkout-api/operations?${APIM_VERSION}`,
      );
      expect(page.status).toBe(200);
      expect(page.json.count).toBe(4);
      expect(page.json.value[0]).toEqual({
        id: `${SERVICE}/apis/checkout-api/operations/create-order`,
        type: 'Microsoft.ApiManagement/service/apis/operations',
        name: 'create-order',
        properties: {
          displayName: 'Create order',
          method: 'POST',
          urlTemplate: '/orders',
          templateParameters: [],
          responses: [],
        },
      });
      const none: Answer = await call(
        emulator,
        'GET',
        `${SERVICE}/apis/no-such-api/operations?${APIM_VERSION}`,
      );
      expect(none.status).toBe(404);
    });

    it('pages collections at subscription scope with $skipToken and no nextLink on the last page', async () => {
      const first = await call(
        emulator,
        'GET',
        `/subscriptions/${SUB}/providers/Microsoft.Security/apiCollections?${COLLECTIONS_VERSION}`,
      );
      expect(first.json.value).toHaveLength(4);
      expect(
        new URL(first.json.nextLink).searchParams.get('$skipToken'),
      ).toBeTruthy();
      const second = await call(emulator, 'GET', first.json.nextLink);
      expect(second.json.nextLink).toBeUndefined();
      const all = [...first.json.value, ...second.json.value]
        .map((c: { name: string }) => c.name)
        .sort();
      expect(all).toEqual([
        'checkout-api',
        'internal-admin-api',
        'invoices-api',
        'ledger-api',
        'payments-api',
        'refunds-api',
      ]);
    });

    it('lists collections at service and resource-group scope', async () => {
      const byService = await call(
        emulator,
        'GET',
        `${SERVICE}/providers/Microsoft.Security/apiCollections?${COLLECTIONS_VERSION}`,
      );
      const byGroup = await call(
        emulator,
        'GET',
        `/subscriptions/${SUB}/resourceGroups/rg-edge/providers/Microsoft.Security/apiCollections?${COLLECTIONS_VERSION}`,
      );
      expect(
        byService.json.value.length + (byService.json.nextLink ? 1 : 0),
      ).toBeGreaterThanOrEqual(4);
      expect(byGroup.json.value).toEqual([]);
    });
  });

  describe('collections', () => {
    it('serves an onboarded collection like the 2023-11-15 examples, without an absent label', async () => {
      const checkout = await call(
        emulator,
        'GET',
        collectionPath('checkout-api'),
      );
      expect(checkout.status).toBe(200);
      expect(checkout.json).toEqual(
        expect.objectContaining({
          name: 'checkout-api',
          type: 'Microsoft.Security/apiCollections',
          id: `${SERVICE}/providers/Microsoft.Security/apiCollections/checkout-api`,
        }),
      );
      expect(checkout.json.properties).toEqual(
        expect.objectContaining({
          provisioningState: 'Succeeded',
          numberOfApiEndpoints: 14,
          sensitivityLabel: 'Confidential',
        }),
      );
      const payments = await call(
        emulator,
        'GET',
        collectionPath('payments-api'),
      );
      expect(payments.json.properties).not.toHaveProperty('sensitivityLabel');
    });

    it('answers 404 for an API that is not onboarded', async () => {
      const answer = await call(emulator, 'GET', collectionPath('wallet-api'));
      expect(answer.status).toBe(404);
      expect(answer.json.error.code).toBe('ResourceNotFound');
    });

    it('onboards with the real LRO sequence: 201 + Location + Retry-After, 202 while running, then 200 Succeeded', async () => {
      const put = await call(emulator, 'PUT', collectionPath('wallet-api'), {
        body: {},
      });
      expect(put.status).toBe(201);
      expect(put.json.properties).toEqual({ provisioningState: 'InProgress' });
      expect(put.headers['retry-after']).toBe('3');
      const location = put.headers.location as string;
      expect(location).toMatch(
        /^https:\/\/localhost:\d+\/subscriptions\/.+\/operationResults\/.+\?api-version=2023-11-15$/,
      );

      // A repeated PUT while running points to the same operation instead of starting another.
      const again = await call(emulator, 'PUT', collectionPath('wallet-api'), {
        body: {},
      });
      expect(again.headers.location).toBe(location);

      const polls = [
        await call(emulator, 'GET', location),
        await call(emulator, 'GET', location),
      ];
      expect(polls.map(p => p.status)).toEqual([202, 202]);
      expect(polls[0].headers.location).toBe(location);
      const done = await call(emulator, 'GET', location);
      expect(done.status).toBe(200);
      expect(done.json.properties.provisioningState).toBe('Succeeded');
      expect(done.json.properties.numberOfApiEndpoints).toBe(0);

      expect(
        (await call(emulator, 'GET', collectionPath('wallet-api'))).status,
      ).toBe(200);
      expect(
        (
          await call(emulator, 'PUT', collectionPath('wallet-api'), {
            body: {},
          })
        ).status,
      ).toBe(200);
    });

    it('ends an onboarding the scenario makes fail with its ARM error', async () => {
      const put = await call(
        emulator,
        'PUT',
        collectionPath('notifications-api'),
        { body: {} },
      );
      const location = put.headers.location as string;
      await call(emulator, 'GET', location);
      await call(emulator, 'GET', location);
      const failed = await call(emulator, 'GET', location);
      expect(failed.status).toBe(500);
      expect(failed.json.error.message).toContain('did not respond in time');
      expect(
        (await call(emulator, 'GET', collectionPath('notifications-api')))
          .status,
      ).toBe(404);
    });

    it('offboards with DELETE', async () => {
      expect(
        (await call(emulator, 'DELETE', collectionPath('ledger-api'))).status,
      ).toBe(200);
      expect(
        (await call(emulator, 'GET', collectionPath('ledger-api'))).status,
      ).toBe(404);
      expect(
        (await call(emulator, 'DELETE', collectionPath('ledger-api'))).status,
      ).toBe(204);
    });
  });

  describe('plans', () => {
    it('lists every plan of a subscription with its extensions, flags written as ARM writes them', async () => {
      const list = await call(
        emulator,
        'GET',
        `/subscriptions/${RETAIL_SUB}/providers/Microsoft.Security/pricings?api-version=2024-01-01`,
      );
      expect(list.status).toBe(200);
      expect(list.json.nextLink).toBeUndefined();
      const byName = Object.fromEntries(
        list.json.value.map((p: { name: string }) => [p.name, p]),
      );
      expect(byName.Api.properties.pricingTier).toBe('Free');
      expect(byName.CloudPosture.properties).toMatchObject({
        pricingTier: 'Standard',
        extensions: [
          { name: 'ApiPosture', isEnabled: 'True' },
          { name: 'SensitiveDataDiscovery', isEnabled: 'False' },
        ],
      });
      expect(byName.Api.properties.extensions).toBeUndefined();
    });
  });

  describe('faults and the request log', () => {
    it('answers 429 with Retry-After for the given number of matching requests', async () => {
      const fault = emulator.addFault({
        match: { method: 'GET', pathPattern: '/apiCollections/' },
        effect: { status: 429, retryAfterSeconds: 7 },
        times: 2,
      });
      const answers = [
        await call(emulator, 'GET', collectionPath('checkout-api')),
        await call(emulator, 'GET', collectionPath('checkout-api')),
        await call(emulator, 'GET', collectionPath('checkout-api')),
      ];
      expect(answers.map(a => a.status)).toEqual([429, 429, 200]);
      expect(answers[0].headers['retry-after']).toBe('7');
      expect(answers[0].json.error.code).toBe('TooManyRequests');
      expect(emulator.requests().map(r => r.status)).toEqual([429, 429, 200]);
      expect(emulator.requests().map(r => r.faultId)).toEqual([
        fault.id,
        fault.id,
        undefined,
      ]);
      expect(emulator.faults()).toEqual([]);
    });

    it('fails one subscription only with 403', async () => {
      emulator.addFault({
        match: {
          pathPattern: '/providers/Microsoft.Security/',
          subscriptionId: RETAIL_SUB,
        },
        effect: { status: 403 },
      });
      const retail = await call(
        emulator,
        'GET',
        `/subscriptions/${RETAIL_SUB}/providers/Microsoft.Security/pricings/Api?api-version=2024-01-01`,
      );
      const payments = await call(
        emulator,
        'GET',
        `/subscriptions/${SUB}/providers/Microsoft.Security/pricings/Api?api-version=2024-01-01`,
      );
      expect(retail.status).toBe(403);
      expect(retail.json.error.code).toBe('AuthorizationFailed');
      expect(payments.status).toBe(200);
      expect(payments.json.properties.pricingTier).toBe('Standard');
    });

    it('answers malformed JSON and 5xx after a delay when asked', async () => {
      const malformed = emulator.addFault({
        match: { pathPattern: 'apiCollections/checkout-api' },
        effect: { malformedJson: true },
        times: 1,
      });
      const broken = await call(
        emulator,
        'GET',
        collectionPath('checkout-api'),
      );
      expect(broken.status).toBe(200);
      expect(() => JSON.parse(broken.text)).toThrow();
      expect(
        emulator.faults().find(f => f.id === malformed.id),
      ).toBeUndefined();

      emulator.addFault({
        match: { pathPattern: 'apiCollections/ledger-api' },
        effect: { status: 503, delayMs: 300 },
      });
      const started = Date.now();
      const unavailable = await call(
        emulator,
        'GET',
        collectionPath('ledger-api'),
      );
      expect(unavailable.status).toBe(503);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    });

    it('takes faults through the admin API, refuses bad ones with 400, and does not log admin calls', async () => {
      const bad = await call(emulator, 'POST', '/_admin/faults', {
        body: { match: {}, effect: { status: 'x' } },
      });
      expect(bad.status).toBe(400);
      expect(bad.json.error.message).toMatch(/pathPattern/);
      const added = await call(emulator, 'POST', '/_admin/faults', {
        body: { match: { pathPattern: '/pricings/' }, effect: { status: 500 } },
      });
      expect(added.status).toBe(201);
      const pricing = await call(
        emulator,
        'GET',
        `/subscriptions/${SUB}/providers/Microsoft.Security/pricings/Api?api-version=2024-01-01`,
      );
      expect(pricing.status).toBe(500);
      expect(
        (await call(emulator, 'DELETE', `/_admin/faults/${added.json.id}`))
          .status,
      ).toBe(204);
      const log = await call(emulator, 'GET', '/_admin/requests');
      expect(log.json.requests).toEqual([
        expect.objectContaining({
          path: expect.stringContaining('/pricings/Api'),
          status: 500,
        }),
      ]);
    });
  });

  describe('metrics', () => {
    it('answers the Requests total of a service in Azure Monitor shape, spread over the asked days', async () => {
      const metrics = (query: string) =>
        `${SERVICE}/providers/Microsoft.Insights/metrics?${query}`;
      const timespan =
        'timespan=2026-10-01T00:00:00Z/2026-10-31T00:00:00Z&metricnames=Requests&aggregation=Total';
      const daily = await call(
        emulator,
        'GET',
        metrics(`api-version=2023-10-01&${timespan}&interval=P1D`),
      );
      expect(daily.status).toBe(200);
      expect(daily.json).toMatchObject({
        timespan: '2026-10-01T00:00:00Z/2026-10-31T00:00:00Z',
        interval: 'P1D',
        namespace: 'Microsoft.ApiManagement/service',
        resourceregion: 'westeurope',
      });
      const [metric] = daily.json.value;
      expect(metric).toMatchObject({
        id: `${SERVICE}/providers/Microsoft.Insights/metrics/Requests`,
        type: 'Microsoft.Insights/metrics',
        name: { value: 'Requests' },
        unit: 'Count',
      });
      const points: Array<{ timeStamp: string; total: number }> =
        metric.timeseries[0].data;
      expect(points).toHaveLength(30);
      expect(points[0]).toEqual({
        timeStamp: '2026-10-01T00:00:00Z',
        total: 30000,
      });
      expect(points.reduce((sum, p) => sum + p.total, 0)).toBe(900000);

      const full = await call(
        emulator,
        'GET',
        metrics(`api-version=2018-01-01&${timespan}&interval=FULL`),
      );
      expect(full.json.value[0].timeseries[0].data).toEqual([
        { timeStamp: '2026-10-01T00:00:00Z', total: 900000 },
      ]);
    });

    it('refuses another metric, aggregation or a bad timespan with an ARM 400', async () => {
      const base = `${SERVICE}/providers/Microsoft.Insights/metrics?api-version=2023-10-01&interval=P1D`;
      const span = 'timespan=2026-10-01T00:00:00Z/2026-10-31T00:00:00Z';
      expect(
        (await call(emulator, 'GET', `${base}&${span}&metricnames=Capacity`))
          .status,
      ).toBe(400);
      expect(
        (
          await call(
            emulator,
            'GET',
            `${base}&${span}&metricnames=Requests&aggregation=Average`,
          )
        ).status,
      ).toBe(400);
      const badSpan = await call(
        emulator,
        'GET',
        `${base}&timespan=yesterday&metricnames=Requests`,
      );
      expect(badSpan.status).toBe(400);
      expect(badSpan.json.error.message).toMatch(/timespan/);
    });
  });

  describe('scenarios', () => {
    it('loads a generated scenario of N APIs through the admin API', async () => {
      const loaded = await call(emulator, 'POST', '/_admin/scenario', {
        body: { generate: { apis: 30 } },
      });
      expect(loaded.status).toBe(200);
      const scenario = emulator.scenario();
      const apiCount = scenario.subscriptions
        .flatMap(s => s.services)
        .flatMap(s => s.apis).length;
      expect(apiCount).toBe(30);
      expect(
        generateScenario({ apis: 30 })
          .subscriptions.flatMap(s => s.services)
          .flatMap(s => s.apis),
      ).toHaveLength(30);
    });
  });
});
