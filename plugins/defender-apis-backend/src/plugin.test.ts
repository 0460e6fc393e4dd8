import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';
import {
  asService,
  asUser,
  eventually,
  generatedEstate,
  PluginHarness,
  startHarness,
  SUB_A,
  SUB_B,
  isAzureWrite,
} from './__testUtils__/harness';

jest.setTimeout(60_000);

/** Matches a reason sentence, or its absence (protected APIs have none). */
function reasonMatching(pattern: RegExp | undefined) {
  return pattern ? expect.stringMatching(pattern) : undefined;
}

const posturePath = (name: string) =>
  `/api/defender-apis/posture/api/default/${name}`;

describe('defender-apis backend against the ARM emulator', () => {
  let h: PluginHarness;
  beforeAll(async () => {
    h = await startHarness({ refreshed: true });
  });
  afterAll(() => h.stop());
  beforeEach(() => h.emulator.reset());

  const get = async (
    name: string,
    auth = asUser('paula'),
  ): Promise<ApiPosture> => {
    const res = await h.request
      .get(posturePath(name))
      .set('Authorization', auth);
    expect(res.status).toBe(200);
    return res.body;
  };
  const accessOf = async (name: string, auth: string) => {
    const res = await h.request
      .get(`${posturePath(name)}/access`)
      .set('Authorization', auth);
    expect(res.status).toBe(200);
    return res.body;
  };

  it.each([
    ['payments-api', 'protected', undefined],
    [
      'checkout-api',
      'atRisk',
      /1 active high-severity alert; 1 active medium-severity alert; 1 active low-severity alert; 2 endpoints unauthenticated/,
    ],
    ['refunds-api', 'atRisk', /3 endpoints unauthenticated/],
    ['ledger-api', 'protected', undefined],
    ['invoices-api', 'awaitingData', /30 to 50 minutes/],
    ['wallet-api', 'notOnboarded', /not onboarded/],
    ['payments-api-rev2', 'notApplicable', /non-current revision/],
    ['legacy-soap-api', 'notApplicable', /SOAP API/],
    ['catalog-graphql-api', 'notApplicable', /GraphQL API/],
    ['partner-api', 'notApplicable', /workspace "partners"/],
    ['edge-api', 'notApplicable', /Consumption tier/],
    ['orders-api', 'postureOnly', /Posture findings from Defender CSPM/],
    [
      'status-api',
      'unmapped',
      /has no azure.com\/api-management-api annotation/,
    ],
    [
      'broken-api',
      'unmapped',
      /must be .*\{serviceName\}\/\{apiId\}.*but is "contoso-payments-apim\/apis\/broken"/,
    ],
    [
      'ghost-api',
      'unmapped',
      /"ghost-apim", which is not in defenderApis.apiManagement.services/,
    ],
    ['missing-api', 'unmapped', /has no API "no-such-api"/],
  ])('serves %s as %s with its reason', async (name, status, reason) => {
    const posture = await get(name);
    expect(posture.status).toBe(status);
    expect(posture.reason).toEqual(reasonMatching(reason));
    expect(posture.stale).toBe(false);
  });

  it('reads the figures of an at-risk API: endpoints, label, alerts by severity, recommendations', async () => {
    const posture = await get('checkout-api', asUser('carl'));
    expect(posture.endpoints).toEqual({
      total: 14,
      unauthenticated: 2,
      inactive: 4,
      external: 1,
      sensitiveDataExposed: 3,
    });
    expect(posture.sensitivityLabel).toBe('Confidential');
    // The scheduled refresh reads the subscription's traffic too (plan fit has its own tests).
    expect(posture.plan).toEqual(
      expect.objectContaining({
        enabled: true,
        subPlan: 'P1',
        subscriptionId: SUB_A,
      }),
    );
    // High via the API id, medium via the collection id in other casing, low via compromisedEntity;
    // the resolved high alert is not active.
    expect(posture.alerts.active).toBe(3);
    expect(posture.alerts.bySeverity).toEqual({
      high: 1,
      medium: 1,
      low: 1,
      informational: 0,
    });
    expect(posture.alerts.items.map(a => a.alertType).sort()).toEqual([
      'API_AccessFromSuspiciousIP',
      'API_ParameterEnumeration',
      'API_SpikeInAPITraffic',
    ]);
    expect(posture.recommendations).toEqual([
      expect.objectContaining({
        key: '91af2040-7874-4659-abf0-578e1f8d07dc',
        affectedResources: 2,
        url: expect.stringMatching(
          /^https:\/\/portal\.azure\.com\/.*assessmentKey\/91af2040-7874-4659-abf0-578e1f8d07dc\//,
        ),
      }),
    ]);
    expect(posture.api).toEqual(
      expect.objectContaining({
        apiId: 'checkout-api',
        serviceName: 'contoso-payments-apim',
        displayName: 'Checkout API',
      }),
    );
    expect(posture.api?.portalUrl).toContain(posture.api?.resourceId);
    expect(await accessOf('checkout-api', asUser('carl'))).toEqual({
      canOnboard: true,
      canOffboard: true,
    });
    expect(posture.owners).toEqual(['group:default/team-checkout']);
    expect(Date.parse(posture.refreshedAt!)).not.toBeNaN();
  });

  it('maps unused-endpoint recommendations and informational alerts without calling the API at risk', async () => {
    const posture = await get('ledger-api');
    expect(posture.endpoints?.inactive).toBe(5);
    expect(posture.alerts.bySeverity.informational).toBe(1);
    expect(posture.recommendations.map(r => r.key)).toEqual([
      '4e8c00a2-e8bc-42a8-9e12-99584a51ad10',
    ]);
  });

  it('answers 401 without credentials, 404 for an entity not in the catalog, 400 for bad path input', async () => {
    expect((await h.request.get(posturePath('payments-api'))).status).toBe(401);
    const missing = await h.request
      .get(posturePath('nope'))
      .set('Authorization', asUser('paula'));
    expect(missing.status).toBe(404);
    expect(missing.body.error.name).toBe('NotFoundError');
    const kind = await h.request
      .get('/api/defender-apis/posture/component/default/x')
      .set('Authorization', asUser('paula'));
    expect(kind.status).toBe(400);
    expect(kind.body.error.message).toContain('found kind "component"');
    const name = await h.request
      .get(posturePath('a%20b'))
      .set('Authorization', asUser('paula'));
    expect(name.status).toBe(400);
    expect(name.body.error.message).toMatch(
      /Invalid name in the path: expected .* found "a b"/,
    );
  });

  it('serves posture to service credentials; a service may not onboard', async () => {
    const posture = await get('payments-api', asService());
    expect(posture.status).toBe('protected');
    expect(await accessOf('payments-api', asService())).toEqual({
      canOnboard: false,
      canOffboard: false,
    });
  });

  it('reads a never-read entity at once, then serves it from the store without calling Azure', async () => {
    const h2 = await startHarness();
    try {
      await h2.request
        .get(posturePath('payments-api'))
        .set('Authorization', asUser('paula'))
        .expect(200);
      const afterFirst = h2.emulator.requests().length;
      expect(afterFirst).toBeGreaterThan(0);
      await h2.request
        .get(posturePath('payments-api'))
        .set('Authorization', asUser('paula'))
        .expect(200);
      expect(h2.emulator.requests().length).toBe(afterFirst);
    } finally {
      await h2.stop();
    }
  });

  it('lists posture with filters and paging, and summarises by status and owner', async () => {
    // Lists answer from the store: what the scheduled refresh read.
    await h.runScheduledRefresh();
    const all = await h.request
      .get('/api/defender-apis/posture?limit=5')
      .set('Authorization', asUser('paula'));
    expect(all.status).toBe(200);
    expect(all.body.totalItems).toBe(19);
    expect(all.body.items).toHaveLength(5);
    const atRisk = await h.request
      .get('/api/defender-apis/posture?status=atRisk')
      .set('Authorization', asUser('paula'));
    expect(
      atRisk.body.items.map((p: ApiPosture) => p.entityRef).sort(),
    ).toEqual(['api:default/checkout-api', 'api:default/refunds-api']);
    const owned = await h.request
      .get('/api/defender-apis/posture?owner=group:default/team-checkout')
      .set('Authorization', asUser('paula'));
    expect(owned.body.totalItems).toBe(3);
    const bad = await h.request
      .get('/api/defender-apis/posture?status=fine&limit=x')
      .set('Authorization', asUser('paula'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('expected one of protected');
    const summary = await h.request
      .get('/api/defender-apis/summary')
      .set('Authorization', asUser('paula'));
    expect(summary.body.total).toBe(19);
    expect(summary.body.byStatus).toEqual(
      expect.objectContaining({
        protected: 2,
        atRisk: 2,
        notApplicable: 5,
        unmapped: 4,
      }),
    );
    expect(
      summary.body.byOwner['group:default/team-checkout'].byStatus,
    ).toEqual({ atRisk: 1, awaitingData: 1, notOnboarded: 1 });
  });
});

describe('onboarding', () => {
  let h: PluginHarness;
  beforeEach(async () => {
    h = await startHarness({ refreshed: true });
  });
  afterEach(() => h.stop());

  const onboard = (name: string, auth = asUser('paula')) =>
    h.request.post(`${posturePath(name)}/onboard`).set('Authorization', auth);

  it('lets an owner onboard: 202 onboarding at once, one PUT, then awaiting data', async () => {
    const res = await onboard('wallet-api');
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('onboarding');
    expect(res.body.onboarding).toEqual(
      expect.objectContaining({ requestedBy: 'user:default/paula' }),
    );
    const posture = await eventually(async () => {
      const body = (
        await h.request
          .get(posturePath('wallet-api'))
          .set('Authorization', asUser('paula'))
      ).body;
      expect(body.status).toBe('awaitingData');
      return body;
    });
    expect(posture.onboarding.state).toBe('succeeded');
    expect(h.armRequests('PUT', 'apiCollections/wallet-api')).toHaveLength(1);
    expect(
      h.emulator.collection(posture.api.resourceId)?.properties
        .provisioningState,
    ).toBe('Succeeded');
    // Onboarding again is a no-op answered 200.
    const again = await onboard('wallet-api');
    expect(again.status).toBe(200);
    expect(h.armRequests('PUT', 'apiCollections/wallet-api')).toHaveLength(1);
  });

  it('refuses non-owners with 403, and nothing reaches Azure', async () => {
    const res = await onboard('fx-rates-api');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain(
      'Only the owners of api:default/fx-rates-api',
    );
    expect(h.emulator.requests().filter(isAzureWrite)).toHaveLength(0);
    const access = await h.request
      .get(`${posturePath('fx-rates-api')}/access`)
      .set('Authorization', asUser('paula'));
    expect(access.body).toEqual({ canOnboard: false, canOffboard: false });
  });

  it('refuses service credentials: only users onboard', async () => {
    expect((await onboard('wallet-api', asService())).status).toBe(403);
    expect(h.armRequests('PUT', 'apiCollections')).toHaveLength(0);
  });

  it('makes exactly one PUT for concurrent requests', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => onboard('wallet-api')),
    );
    // Accepted, or, once the one operation has finished, answered as onboarded already.
    for (const answer of answers) {
      expect(
        answer.status === 202 ||
          (answer.status === 200 && answer.body.status === 'awaitingData'),
      ).toBe(true);
    }
    expect(answers.filter(a => a.status === 202).length).toBeGreaterThan(0);
    await eventually(async () => {
      const body = (
        await h.request
          .get(posturePath('wallet-api'))
          .set('Authorization', asUser('paula'))
      ).body;
      expect(body.status).toBe('awaitingData');
    });
    expect(h.armRequests('PUT', 'apiCollections/wallet-api')).toHaveLength(1);
  });

  it('reports a failed operation with Azure message', async () => {
    expect((await onboard('notifications-api')).status).toBe(202);
    const posture = await eventually(async () => {
      const body = (
        await h.request
          .get(posturePath('notifications-api'))
          .set('Authorization', asUser('paula'))
      ).body;
      expect(body.onboarding.state).toBe('failed');
      return body;
    });
    expect(posture.status).toBe('notOnboarded');
    expect(posture.onboarding.error).toContain('did not respond in time');
    expect(posture.reason).toContain('The last onboarding failed');
  });

  it('answers 409 for a plan that is off or an API it does not apply to, 400 when unmapped', async () => {
    const planOff = await onboard('orders-api', asUser('rita'));
    expect(planOff.status).toBe(403); // rita owns nothing
    const h2 = await startHarness({
      policyDecision: () => 'ALLOW',
      refreshed: true,
    });
    try {
      const off = await h2.request
        .post(`${posturePath('orders-api')}/onboard`)
        .set('Authorization', asUser('paula'));
      expect(off.status).toBe(409);
      // retail-dev has the plan off (and Defender CSPM's API posture on).
      expect(off.body.error.message).toContain('Defender for APIs plan');
      const soap = await h2.request
        .post(`${posturePath('legacy-soap-api')}/onboard`)
        .set('Authorization', asUser('paula'));
      expect(soap.status).toBe(409);
      expect(soap.body.error.message).toContain('SOAP');
      const unmapped = await h2.request
        .post(`${posturePath('status-api')}/onboard`)
        .set('Authorization', asUser('paula'));
      expect(unmapped.status).toBe(400);
      expect(h2.armRequests('PUT', 'apiCollections')).toHaveLength(0);
    } finally {
      await h2.stop();
    }
  });

  it('lets a permission policy widen onboarding to a platform team, or deny it to owners', async () => {
    const h2 = await startHarness({
      policyDecision: user =>
        user === 'user:default/priya' ? 'ALLOW' : 'DENY',
      refreshed: true,
    });
    try {
      const owner = await h2.request
        .post(`${posturePath('wallet-api')}/onboard`)
        .set('Authorization', asUser('paula'));
      expect(owner.status).toBe(403);
      const platform = await h2.request
        .post(`${posturePath('wallet-api')}/onboard`)
        .set('Authorization', asUser('priya'));
      expect(platform.status).toBe(202);
    } finally {
      await h2.stop();
    }
  });

  it('runs at most one onboarding at a time per APIM service by default', async () => {
    expect((await onboard('wallet-api')).status).toBe(202);
    expect((await onboard('fx-rates-api', asUser('carl'))).status).toBe(202);
    await eventually(async () => {
      for (const name of ['wallet-api', 'fx-rates-api']) {
        const body = (
          await h.request
            .get(posturePath(name))
            .set('Authorization', asUser('paula'))
        ).body;
        expect(body.status).toBe('awaitingData');
      }
    });
    const writes = h.emulator
      .requests()
      .filter(
        r =>
          /apiCollections\/(wallet|fx-rates)-api$/i.test(r.path) ||
          /operationResults/i.test(r.path),
      );
    const firstApi = writes.find(r => r.method === 'PUT')!.path;
    const secondPut = writes.findIndex(
      r => r.method === 'PUT' && r.path !== firstApi,
    );
    const firstDone = writes.findIndex(
      r => r.method === 'GET' && r.status === 200,
    );
    expect(firstDone).toBeGreaterThan(-1);
    expect(secondPut).toBeGreaterThan(firstDone);
  });
});

describe('refresh', () => {
  it.each([
    // Per subscription: pricing, collections, alerts, assessments; per service: service, APIs, Requests metric.
    ['arm' as const, 2 * 4 + 2 * 3],
    // Per subscription: pricing; per tenant: three Resource Graph queries; per service as above.
    ['resourceGraph' as const, 2 * 1 + 3 + 2 * 3],
  ])(
    'reads Azure with a request count that grows with services and subscriptions, not APIs (readVia %s)',
    async (readVia, expected) => {
      const countFor = async (apis: number) => {
        const { scenario, services, entities } = generatedEstate({
          apis,
          services: 2,
          subscriptions: 2,
        });
        const h = await startHarness({
          scenario,
          services,
          entities,
          pageSize: 1000,
          azure: { readVia },
        });
        try {
          h.emulator.clearRequests();
          await h.runScheduledRefresh();
          const summary = await h.request
            .get('/api/defender-apis/summary')
            .set('Authorization', asUser('paula'));
          expect(summary.body.total).toBe(apis);
          expect(summary.body.byStatus.unmapped).toBe(0);
          return h.emulator.requests().length;
        } finally {
          await h.stop();
        }
      };
      const small = await countFor(10);
      const large = await countFor(200);
      expect(small).toBe(expected);
      expect(large).toBe(small);
    },
  );

  it('keeps the last good data, marked stale, when a subscription cannot be read; fresh again after', async () => {
    const h = await startHarness();
    try {
      await h.runScheduledRefresh();
      h.emulator.addFault({
        match: { pathPattern: '/', subscriptionId: SUB_A },
        effect: { status: 403 },
      });
      await h.runScheduledRefresh();
      const checkout = (
        await h.request
          .get(posturePath('checkout-api'))
          .set('Authorization', asUser('paula'))
      ).body;
      expect(checkout.status).toBe('atRisk');
      expect(checkout.endpoints.total).toBe(14);
      expect(checkout.stale).toBe(true);
      expect(checkout.staleReason).toMatch(
        /answered 403 \(AuthorizationFailed\) for (the Defender plans of )?subscription 11111111/,
      );
      const retail = (
        await h.request
          .get(posturePath('orders-api'))
          .set('Authorization', asUser('paula'))
      ).body;
      expect(retail.stale).toBe(false);
      expect(retail.plan.subscriptionId).toBe(SUB_B);
      h.emulator.clearFaults();
      await h.runScheduledRefresh();
      const fresh = (
        await h.request
          .get(posturePath('checkout-api'))
          .set('Authorization', asUser('paula'))
      ).body;
      expect(fresh.stale).toBe(false);
      expect(fresh.staleReason).toBeUndefined();
    } finally {
      await h.stop();
    }
  });

  it('gives status error with the reason when Azure fails before anything was stored', async () => {
    const h = await startHarness();
    try {
      h.emulator.addFault({
        match: { pathPattern: '/', subscriptionId: SUB_B },
        effect: { status: 403 },
      });
      const posture = (
        await h.request
          .get(posturePath('orders-api'))
          .set('Authorization', asUser('paula'))
      ).body;
      expect(posture.status).toBe('error');
      expect(posture.reason).toContain('403');
      expect(posture.stale).toBe(true);
    } finally {
      await h.stop();
    }
  });
});
