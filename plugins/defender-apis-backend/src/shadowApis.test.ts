/**
 * Shadow APIs (`GET /shadow-apis`) through the whole plugin against the ARM emulator: the
 * current APIs of every read APIM service that no catalog entity maps to, as the last
 * catalog-wide refresh read them, for callers who may read the whole catalog.
 */
import { ShadowApi } from '@defender-apis/plugin-defender-apis-common';
import {
  apiEntity,
  asService,
  asUser,
  demoEntities,
  EDGE,
  fullId,
  PAYMENTS,
  PluginHarness,
  RETAIL,
  startHarness,
} from './__testUtils__/harness';

jest.setTimeout(60_000);

async function shadowApis(h: PluginHarness, query = '', user = 'paula') {
  const res = await h.request
    .get(`/api/defender-apis/shadow-apis${query}`)
    .set('Authorization', asUser(user));
  expect({ status: res.status, body: res.body }).toMatchObject({
    status: 200,
  });
  return res.body as {
    items: ShadowApi[];
    totalItems: number;
    nextCursor?: string;
    readAt?: string;
    unreadServices?: Array<{ serviceName: string; reason: string }>;
  };
}

const ids = (items: ShadowApi[]) => items.map(a => a.apiId);

describe('shadow APIs', () => {
  let h: PluginHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('lists the current APIs no entity maps to, with onboarding and applicability, after a refresh', async () => {
    h = await startHarness();
    // Before any catalog-wide refresh there is nothing to list, and no read time.
    const before = await shadowApis(h);
    expect(before).toMatchObject({ items: [], totalItems: 0 });
    expect(before.readAt).toBeUndefined();

    await h.runScheduledRefresh();
    const list = await shadowApis(h);
    // Every other API of the services is mapped (the test catalog has no loyalty-api entity);
    // payments-api;rev=2 is a revision of a mapped API.
    expect(ids(list.items)).toEqual([
      'internal-admin-api',
      'loyalty-api',
      'partner-webhooks-api',
      'store-locator-api',
    ]);
    expect(list.totalItems).toBe(4);
    expect(list.readAt).toEqual(expect.any(String));
    const [admin, , webhooks, locator] = list.items;
    expect(admin).toMatchObject({
      resourceId: fullId(PAYMENTS, 'internal-admin-api'),
      subscriptionId: PAYMENTS.subscriptionId,
      resourceGroup: PAYMENTS.resourceGroup,
      serviceName: PAYMENTS.name,
      displayName: 'Internal Admin API',
      onboarded: true,
      applicable: true,
      portalUrl: `https://portal.azure.com/#resource${fullId(
        PAYMENTS,
        'internal-admin-api',
      )}`,
    });
    expect(webhooks).toMatchObject({ onboarded: false, applicable: true });
    expect(locator).toMatchObject({
      serviceName: RETAIL.name,
      apiType: 'graphql',
      onboarded: false,
      applicable: false,
      notApplicable: {
        cause: 'apiType',
        reason: expect.stringContaining('GraphQL'),
      },
    });
  });

  it('filters, searches, sorts and pages in the backend', async () => {
    h = await startHarness({ refreshed: true });
    expect(ids((await shadowApis(h, `?service=${RETAIL.name}`)).items)).toEqual(
      ['loyalty-api', 'store-locator-api'],
    );
    expect(
      ids(
        (await shadowApis(h, `?subscription=${PAYMENTS.subscriptionId}`)).items,
      ),
    ).toEqual(['internal-admin-api', 'partner-webhooks-api']);
    expect(ids((await shadowApis(h, '?onboarded=false')).items)).toEqual([
      'loyalty-api',
      'partner-webhooks-api',
      'store-locator-api',
    ]);
    expect(ids((await shadowApis(h, '?applicable=false')).items)).toEqual([
      'store-locator-api',
    ]);
    expect(ids((await shadowApis(h, '?q=WEBHOOK')).items)).toEqual([
      'partner-webhooks-api',
    ]);
    expect(
      ids((await shadowApis(h, '?sort=service&order=desc')).items),
    ).toEqual([
      'store-locator-api',
      'loyalty-api',
      'partner-webhooks-api',
      'internal-admin-api',
    ]);
    expect(await shadowApis(h, '?limit=0')).toMatchObject({
      items: [],
      totalItems: 4,
    });

    const seen: string[] = [];
    let page = await shadowApis(h, '?limit=1');
    seen.push(...ids(page.items));
    while (page.nextCursor) {
      page = await shadowApis(
        h,
        `?limit=1&cursor=${encodeURIComponent(page.nextCursor)}`,
      );
      seen.push(...ids(page.items));
    }
    expect(seen).toEqual([
      'internal-admin-api',
      'loyalty-api',
      'partner-webhooks-api',
      'store-locator-api',
    ]);
  });

  it('refuses bad filters with what it expected and what it found', async () => {
    h = await startHarness();
    for (const [query, expected] of [
      ['?onboarded=yes', 'expected one of true, false, found "yes"'],
      ['?sort=owner', 'expected one of name, service, found "owner"'],
      ['?limit=501', 'expected a whole number from 0 to 500'],
      ['?cursor=abc&offset=1', 'give either cursor or offset'],
      [
        '?cursor=bm90IGEgY3Vyc29y',
        'expected the nextCursor of a previous page',
      ],
    ]) {
      const res = await h.request
        .get(`/api/defender-apis/shadow-apis${query}`)
        .set('Authorization', asUser('paula'));
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.error.message).toContain(expected);
    }
  });

  it('takes an API off the list as soon as an entity claims it, before the next refresh', async () => {
    h = await startHarness({ refreshed: true });
    h.addEntities([
      apiEntity(
        'partner-webhooks',
        `${PAYMENTS.name}/partner-webhooks-api`,
        'group:default/team-payments',
      ),
    ]);
    // The entity's first view stores its posture, claiming the API.
    const view = await h.request
      .get('/api/defender-apis/posture/api/default/partner-webhooks')
      .set('Authorization', asUser('paula'));
    expect(view.status).toBe(200);
    expect(ids((await shadowApis(h)).items)).toEqual([
      'internal-admin-api',
      'loyalty-api',
      'store-locator-api',
    ]);
  });

  it('reads a service no entity maps to: all its current APIs are shadow APIs', async () => {
    h = await startHarness({
      entities: demoEntities().filter(e => e.metadata.name !== 'edge-api'),
      refreshed: true,
    });
    const edge = (await shadowApis(h, `?service=${EDGE.name}`)).items;
    expect(edge.map(a => a.resourceId)).toEqual([fullId(EDGE, 'edge-api')]);
  });

  it('keeps what it listed of a service whose read fails, and says which service and why', async () => {
    h = await startHarness({
      config: { refresh: { frequency: '1s' } },
      refreshed: true,
    });
    h.emulator.addFault({
      match: { pathPattern: `/service/${RETAIL.name}/apis$` },
      effect: { status: 403 },
    });
    await h.runScheduledRefresh();
    const list = await shadowApis(h);
    expect(ids(list.items)).toContain('store-locator-api');
    expect(list.unreadServices).toEqual([
      expect.objectContaining({
        serviceName: RETAIL.name,
        reason: expect.stringContaining(RETAIL.name),
      }),
    ]);
  });

  it('shows the list only to callers who may read every catalog entity', async () => {
    h = await startHarness({
      refreshed: true,
      catalogReadDecision: user =>
        ((
          {
            'user:default/carl': 'CONDITIONAL',
            'user:default/priya': 'DENY',
          } as const
        )[user] ?? 'ALLOW'),
    });
    for (const user of ['carl', 'priya']) {
      const res = await h.request
        .get('/api/defender-apis/shadow-apis')
        .set('Authorization', asUser(user));
      expect({ user, status: res.status }).toEqual({ user, status: 403 });
      expect(res.body.error.message).toContain(
        'only to callers who may read every catalog entity',
      );
    }
    expect((await shadowApis(h, '', 'paula')).totalItems).toBe(4);
    const asPlugin = await h.request
      .get('/api/defender-apis/shadow-apis')
      .set('Authorization', asService());
    expect(asPlugin.status).toBe(200);
    expect(asPlugin.body.totalItems).toBe(4);
  });
});
