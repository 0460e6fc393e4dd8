/**
 * Catalog-wide routes against the emulator: list filters, sort and cursor paging in SQL,
 * summary counts with coverage, what each permission decision on catalog reads shows, and
 * bounded first views.
 */
import { Entity } from '@backstage/catalog-model';
import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';
import {
  apiEntity,
  asService,
  asUser,
  demoEntities,
  fullId,
  PAYMENTS,
  PluginHarness,
  startHarness,
  SUB_A,
} from './__testUtils__/harness';

jest.setTimeout(60_000);

const BASE = '/api/defender-apis';

/** The demo APIs, with systems, domains, lifecycles and titles on some of them. */
function catalog(): Entity[] {
  const systems: Record<string, string> = {
    'payments-api': 'payments',
    'refunds-api': 'payments',
    'ledger-api': 'payments',
    'checkout-api': 'checkout',
    'invoices-api': 'checkout',
  };
  const apis = demoEntities().map(entity => {
    const name = entity.metadata.name;
    const system = systems[name];
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        ...(name === 'wallet-api' ? { title: 'Digital Wallet' } : {}),
      },
      spec: {
        ...entity.spec,
        lifecycle: name === 'ledger-api' ? 'experimental' : 'production',
      },
      relations: [
        ...(entity.relations ?? []),
        ...(system
          ? [
              {
                type: 'partOf',
                // Entity refs compare case-insensitively: its domain is still found.
                targetRef:
                  name === 'ledger-api'
                    ? 'system:default/Payments'
                    : `system:default/${system}`,
              },
            ]
          : []),
      ],
    };
  });
  const system = (name: string, domain?: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name, namespace: 'default' },
    spec: {
      owner: 'group:default/team-payments',
      ...(domain ? { domain } : {}),
    },
    relations: domain
      ? [{ type: 'partOf', targetRef: `domain:default/${domain}` }]
      : [],
  });
  return [...apis, system('payments', 'commerce'), system('checkout')];
}

async function list(h: PluginHarness, query: string, auth = asUser('paula')) {
  const res = await h.request
    .get(`${BASE}/posture${query}`)
    .set('Authorization', auth);
  return res;
}

const refs = (body: { items: ApiPosture[] }) =>
  body.items.map(p => p.entityRef);

/**
 * Creates APIs in the payments APIM service, as someone would in Azure: each like wallet-api
 * (REST, not onboarded), by name with its display name.
 */
function createApisInPayments(
  h: PluginHarness,
  displayNames: Record<string, string>,
): void {
  const scenario = h.emulator.scenario();
  const payments = scenario.subscriptions
    .flatMap(s => s.services)
    .find(s => s.name === 'contoso-payments-apim')!;
  const wallet = payments.apis.find(a => a.name === 'wallet-api')!;
  payments.apis.push(
    ...Object.entries(displayNames).map(([name, displayName]) => ({
      ...wallet,
      name,
      displayName,
    })),
  );
  h.emulator.loadScenario(scenario);
}

describe('catalog-wide list and summary', () => {
  let h: PluginHarness;
  beforeAll(async () => {
    h = await startHarness({ entities: catalog() });
    await h.runScheduledRefresh();
  });
  afterAll(() => h.stop());

  it('filters by system, domain, lifecycle, owner and status, each repeatable, all in the database', async () => {
    expect(
      refs((await list(h, '?system=system:default/payments&sort=name')).body),
    ).toEqual([
      'api:default/ledger-api',
      'api:default/payments-api',
      'api:default/refunds-api',
    ]);
    const commerce = (await list(h, '?domain=domain:default/commerce')).body;
    expect(commerce.totalItems).toBe(3);
    const byRef = (ref: string) =>
      commerce.items.find((p: ApiPosture) => p.entityRef === ref);
    expect(byRef('api:default/payments-api')).toEqual(
      expect.objectContaining({
        system: 'system:default/payments',
        domain: 'domain:default/commerce',
      }),
    );
    // Its relation spells the system otherwise than the system entity does.
    expect(byRef('api:default/ledger-api')).toEqual(
      expect.objectContaining({
        system: 'system:default/Payments',
        domain: 'domain:default/commerce',
      }),
    );
    expect(
      (await list(h, '?lifecycle=experimental')).body.items.map(
        (p: ApiPosture) => p.entityRef,
      ),
    ).toEqual(['api:default/ledger-api']);
    // Values of one filter are alternatives, filters combine; matching ignores case.
    const either = (
      await list(
        h,
        '?system=SYSTEM:default/payments&system=system:default/checkout&status=atRisk',
      )
    ).body;
    expect(refs(either).sort()).toEqual([
      'api:default/checkout-api',
      'api:default/refunds-api',
    ]);
    const owned = (
      await list(
        h,
        '?owner=group:default/team-checkout&owner=group:default/team-retail&status=notApplicable',
      )
    ).body;
    expect(refs(owned).sort()).toEqual([
      'api:default/catalog-graphql-api',
      'api:default/legacy-soap-api',
    ]);
    expect(owned.items[0].owners).toEqual(['group:default/team-retail']);
  });

  it('searches name and title as literal text', async () => {
    expect(refs((await list(h, '?q=WALLET')).body)).toEqual([
      'api:default/wallet-api',
    ]);
    expect(refs((await list(h, '?q=digital%20w')).body)).toEqual([
      'api:default/wallet-api',
    ]);
    expect((await list(h, '?q=%25')).body.totalItems).toBe(0);
    expect((await list(h, '?q=_')).body.totalItems).toBe(0);
    expect(refs((await list(h, '?q=-rev')).body)).toEqual([
      'api:default/payments-api-rev2',
    ]);
  });

  it('sorts by a field either way and pages with a cursor through every item once', async () => {
    const byAlerts = (await list(h, '?sort=activeAlerts&order=desc&limit=2'))
      .body;
    expect(byAlerts.items.map((p: ApiPosture) => p.alerts.active)).toEqual(
      [...byAlerts.items.map((p: ApiPosture) => p.alerts.active)].sort(
        (a, b) => b - a,
      ),
    );
    expect(byAlerts.items[0].alerts.active).toBeGreaterThan(0);
    const byStatus = (await list(h, '?sort=status&limit=3')).body;
    expect(byStatus.items[0].status).toBe('atRisk');

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = (
        await list(
          h,
          `?sort=unauthenticated&order=desc&limit=4${
            cursor ? `&cursor=${cursor}` : ''
          }`,
        )
      ).body;
      expect(page.totalItems).toBe(19);
      seen.push(...refs(page));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(new Set(seen).size).toBe(19);
    const byOffset = (
      await list(h, '?sort=unauthenticated&order=desc&limit=4&offset=4')
    ).body;
    expect(refs(byOffset)).toEqual(seen.slice(4, 8));
    expect(byOffset.offset).toBe(4);
  });

  it('pages by name past an entity whose 500-character title is in the cursor', async () => {
    const long = apiEntity(
      'long-title-api',
      undefined,
      'group:default/team-payments',
    );
    long.metadata.title = `A ${'very long title '.repeat(30)}`.slice(0, 500);
    const paged = await startHarness({
      entities: [
        long,
        apiEntity('b-api', undefined, 'group:default/team-payments'),
      ],
      refreshed: true,
    });
    try {
      const first = (await list(paged, '?sort=name&limit=1')).body;
      expect(refs(first)).toEqual(['api:default/long-title-api']);
      const second = await list(
        paged,
        `?sort=name&limit=1&cursor=${encodeURIComponent(first.nextCursor)}`,
      );
      expect(second.status).toBe(200);
      expect(refs(second.body)).toEqual(['api:default/b-api']);
    } finally {
      await paged.stop();
    }
  });

  it('refuses bad list parameters with what was expected and found', async () => {
    const cases: Array<[string, RegExp]> = [
      ['?sort=colour', /sort: expected one of name, status.*found "colour"/],
      ['?order=up', /order: expected one of asc, desc, found "up"/],
      ['?cursor=abc', /cursor: expected the nextCursor of a previous page/],
      ['?cursor=abc&offset=2', /either cursor or offset/],
      [
        `?owner=${'x'.repeat(300)}`,
        /owner: expected a non-empty text of at most 255/,
      ],
      [
        '?status=atRisk&status=fine',
        /status: expected one of protected.*found "fine"/,
      ],
      ['?q=a&q=b', /q: expected one text/],
    ];
    for (const [query, message] of cases) {
      const res = await list(h, query);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    const first = (await list(h, '?sort=name&limit=2')).body;
    const mismatched = await list(
      h,
      `?sort=status&limit=2&cursor=${first.nextCursor}`,
    );
    expect(mismatched.status).toBe(400);
  });

  it('summarises by status and coverage overall and per owner, system and domain', async () => {
    const { body } = await h.request
      .get(`${BASE}/summary`)
      .set('Authorization', asUser('paula'));
    expect(body.total).toBe(19);
    // protected 2 + atRisk 2 + awaitingData 1 onboarded, of everything but 5 not applicable and 4 unmapped.
    expect(body).toEqual(
      expect.objectContaining({ onboarded: 5, applicable: 10 }),
    );
    expect(body.bySystem['system:default/payments']).toEqual({
      total: 3,
      byStatus: { protected: 2, atRisk: 1 },
      onboarded: 3,
      postureCovered: 3,
      applicable: 3,
    });
    expect(body.bySystem['system:default/checkout']).toEqual(
      expect.objectContaining({ total: 2, onboarded: 2 }),
    );
    expect(Object.keys(body.byDomain)).toEqual(['domain:default/commerce']);
    expect(body.byOwner['group:default/team-checkout']).toEqual(
      expect.objectContaining({ total: 3, onboarded: 2, applicable: 3 }),
    );
  });

  it('summarises only the APIs of the owners, systems or domains asked for, with the same counts as the whole summary', async () => {
    const summary = async (query: string) =>
      (
        await h.request
          .get(`${BASE}/summary${query}`)
          .set('Authorization', asUser('paula'))
      ).body;
    const whole = await summary('');
    const team = await summary('?owner=group:default/team-checkout');
    const teamCounts = whole.byOwner['group:default/team-checkout'];
    expect(team).toEqual(
      expect.objectContaining({
        total: teamCounts.total,
        onboarded: teamCounts.onboarded,
        applicable: teamCounts.applicable,
      }),
    );
    expect(Object.keys(team.byOwner)).toContain('group:default/team-checkout');
    expect(team.total).toBeLessThan(whole.total);
    const payments = await summary('?system=SYSTEM:default/payments');
    expect(payments.total).toBe(
      whole.bySystem['system:default/payments'].total,
    );
    expect(Object.keys(payments.bySystem)).toEqual(['system:default/payments']);
    // Two systems: the APIs of either.
    const both = await summary(
      '?system=system:default/payments&system=system:default/checkout',
    );
    expect(both.total).toBe(
      whole.bySystem['system:default/payments'].total +
        whole.bySystem['system:default/checkout'].total,
    );
    const bad = await h.request
      .get(`${BASE}/summary?owner=`)
      .set('Authorization', asUser('paula'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('Invalid query parameter owner');
  });

  it('shows a status change of an onboarding in lists at once, without a refresh', async () => {
    const before = (await list(h, '?status=onboarding')).body.totalItems;
    const res = await h.request
      .post(`${BASE}/posture/api/default/wallet-api/onboard`)
      .set('Authorization', asUser('paula'));
    expect(res.status).toBe(202);
    const after = (await list(h, '?status=onboarding')).body;
    expect(after.totalItems).toBe(before + 1);
    expect(refs(after)).toContain('api:default/wallet-api');
  });
});

describe('what each permission decision on catalog reads shows', () => {
  it('ALLOW: everything, with one shared catalog count; CONDITIONAL: what the catalog shows; DENY: nothing', async () => {
    const decisions: Record<string, 'ALLOW' | 'CONDITIONAL' | 'DENY'> = {
      'user:default/paula': 'ALLOW',
      'user:default/carl': 'CONDITIONAL',
      'user:default/priya': 'DENY',
    };
    const h = await startHarness({
      hiddenFrom: {
        'api:default/wallet-api': ['user:default/carl'],
        'api:default/ledger-api': ['user:default/carl'],
      },
      catalogReadDecision: user => decisions[user],
    });
    try {
      await h.runScheduledRefresh();
      const catalogCalls = () => h.catalogCalls();
      const start = catalogCalls();
      // `pending` in lists and summaries needs the catalog's count: one call, reused for seconds.
      expect((await list(h, '')).body).toEqual(
        expect.objectContaining({ totalItems: 19, pending: 0, complete: true }),
      );
      for (let i = 0; i < 2; i++) {
        expect(
          (
            await h.request
              .get(`${BASE}/summary`)
              .set('Authorization', asUser('paula'))
          ).body,
        ).toEqual(
          expect.objectContaining({ total: 19, pending: 0, complete: true }),
        );
      }
      expect(catalogCalls()).toBe(start + 1);

      const carl = (await list(h, '?limit=500', asUser('carl'))).body;
      expect(carl.totalItems).toBe(17);
      expect(refs(carl)).not.toContain('api:default/wallet-api');
      const carlSummary = (
        await h.request
          .get(`${BASE}/summary`)
          .set('Authorization', asUser('carl'))
      ).body;
      expect(carlSummary.total).toBe(17);
      // Counted as carl: the two entities hidden from him are not pending for him.
      expect(carlSummary.pending).toBe(0);
      expect(carlSummary.byOwner['group:default/team-payments'].total).toBe(
        (
          await h.request
            .get(`${BASE}/summary`)
            .set('Authorization', asUser('paula'))
        ).body.byOwner['group:default/team-payments'].total - 2,
      );
      expect(catalogCalls()).toBeGreaterThan(start);

      const priya = (await list(h, '', asUser('priya'))).body;
      expect(priya).toEqual(
        expect.objectContaining({ items: [], totalItems: 0 }),
      );
      expect(
        (
          await h.request
            .get(`${BASE}/summary`)
            .set('Authorization', asUser('priya'))
        ).body.total,
      ).toBe(0);
      // Service credentials are not users: the framework allows them.
      expect((await list(h, '', asService())).body.totalItems).toBe(19);
    } finally {
      await h.stop();
    }
  });
});

describe('conflicts as a caller who may not see every entity reads them', () => {
  it('names only the entities the caller may see, in the card, lists and refusals', async () => {
    const h = await startHarness({
      entities: [
        ...demoEntities(),
        apiEntity(
          'echo-squatter-api',
          fullId(PAYMENTS, 'PAYMENTS-API'),
          'group:default/team-checkout',
        ),
      ],
      hiddenFrom: { 'api:default/echo-squatter-api': ['user:default/paula'] },
      catalogReadDecision: user =>
        user === 'user:default/paula' ? 'CONDITIONAL' : 'ALLOW',
      refreshed: true,
    });
    try {
      const card = (
        await h.request
          .get(`${BASE}/posture/api/default/payments-api`)
          .set('Authorization', asUser('paula'))
          .expect(200)
      ).body;
      expect(card.status).toBe('conflict');
      expect(card.conflictWith).toEqual([]);
      expect(card.reason).toContain('1 entity you cannot see');
      expect(JSON.stringify(card)).not.toContain('echo-squatter');

      const conflicts = (await list(h, '?status=conflict', asUser('paula')))
        .body;
      // The API's revision 2, of the same owners, is in conflict with the squatter too.
      expect(refs(conflicts)).toEqual([
        'api:default/payments-api',
        'api:default/payments-api-rev2',
      ]);
      expect(JSON.stringify(conflicts)).not.toContain('echo-squatter');

      const refused = await h.request
        .post(`${BASE}/posture/api/default/payments-api/onboard`)
        .set('Authorization', asUser('paula'));
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain('1 entity you cannot see');
      expect(refused.body.error.message).not.toContain('echo-squatter');

      // Who may read every entity is told which.
      const priya = (
        await h.request
          .get(`${BASE}/posture/api/default/payments-api`)
          .set('Authorization', asUser('priya'))
          .expect(200)
      ).body;
      expect(priya.conflictWith).toEqual(['api:default/echo-squatter-api']);
    } finally {
      await h.stop();
    }
  });
});

describe('the card route, the access route and the onboard decision', () => {
  it('has the catalog apply a conditional onboard decision, through the permission framework, only when asked', async () => {
    const h = await startHarness({ policyDecision: () => 'OWNER' });
    const accessOf = async (name: string, user: string) =>
      (
        await h.request
          .get(`${BASE}/posture/api/default/${name}/access`)
          .set('Authorization', asUser(user))
          .expect(200)
      ).body;
    try {
      expect(await accessOf('wallet-api', 'paula')).toEqual({
        canOnboard: true,
        canOffboard: true,
      });
      expect(await accessOf('wallet-api', 'carl')).toEqual({
        canOnboard: false,
        canOffboard: false,
      });
      expect(h.permissionCalls).toEqual({
        authorize: 2,
        authorizeConditional: 2,
      });
      // The card's read reuses the caller's decisions of the last seconds and asks nothing
      // about the entity: the onboard decision is the access route's.
      const card = await h.request
        .get(`${BASE}/posture/api/default/wallet-api`)
        .set('Authorization', asUser('paula'))
        .expect(200);
      expect(card.body.owners).toEqual(['group:default/team-payments']);
      expect(card.body).not.toHaveProperty('access');
      expect(h.permissionCalls).toEqual({
        authorize: 2,
        authorizeConditional: 2,
      });
      expect(
        (
          await h.request
            .post(`${BASE}/posture/api/default/wallet-api/onboard`)
            .set('Authorization', asUser('carl'))
        ).status,
      ).toBe(403);
      // An entity the caller may not see has no access answer either.
      expect(
        (
          await h.request
            .get(`${BASE}/posture/api/default/no-such-api/access`)
            .set('Authorization', asUser('paula'))
        ).status,
      ).toBe(404);
    } finally {
      await h.stop();
    }
  });

  it('reads the entity now: as the plugin when the caller may read every entity, as the caller when the decision is conditional, not at all on DENY', async () => {
    const catalogRead: Record<string, 'CONDITIONAL' | 'DENY'> = {
      'user:default/carl': 'CONDITIONAL',
      'user:default/priya': 'DENY',
    };
    const h = await startHarness({
      hiddenFrom: { 'api:default/wallet-api': ['user:default/carl'] },
      catalogReadDecision: user => catalogRead[user] ?? 'ALLOW',
      policyDecision: () => 'OWNER',
    });
    const card = (name: string, user: string) =>
      h.request
        .get(`${BASE}/posture/api/default/${name}`)
        .set('Authorization', asUser(user));
    try {
      const paula = await card('wallet-api', 'paula');
      expect(paula.status).toBe(200);
      expect(paula.body.owners).toEqual(['group:default/team-payments']);
      expect(h.entityReaders()).toEqual(['plugin:defender-apis']);

      expect((await card('wallet-api', 'carl')).status).toBe(404);
      expect((await card('ledger-api', 'carl')).status).toBe(200);
      expect(h.entityReaders().slice(1)).toEqual([
        'user:default/carl',
        'user:default/carl',
      ]);

      const readsBefore = h.entityReaders().length;
      expect((await card('ledger-api', 'priya')).status).toBe(404);
      expect(h.entityReaders()).toHaveLength(readsBefore);

      // The entity is still read on every view: one removed from the catalog answers 404
      // at once, though its posture is stored until the next refresh.
      h.replaceEntities(
        demoEntities().filter(e => e.metadata.name !== 'ledger-api'),
      );
      expect((await card('ledger-api', 'paula')).status).toBe(404);

      // Both decisions of a user come in one request to the framework, reused for seconds;
      // a card's read asks nothing about the entity.
      expect(h.permissionCalls).toEqual({
        authorize: 0,
        authorizeConditional: 3,
      });
    } finally {
      await h.stop();
    }
  });

  it("decides a batch with one permission request, the catalog applying the policy's conditions", async () => {
    const h = await startHarness({
      policyDecision: () => 'OWNER',
      refreshed: true,
    });
    try {
      const batch = await h.request
        .post(`${BASE}/onboard`)
        .set('Authorization', asUser('paula'))
        .send({
          entityRefs: [
            'api:default/wallet-api',
            'api:default/checkout-api',
            'api:default/no-such-api',
          ],
        })
        .expect(202);
      const outcomes = Object.fromEntries(
        batch.body.items.map(
          (i: { entityRef: string; outcome: string; reason?: string }) => [
            i.entityRef,
            [i.outcome, i.reason],
          ],
        ),
      );
      expect(outcomes).toEqual({
        'api:default/wallet-api': ['queued', undefined],
        'api:default/checkout-api': [
          'refused',
          'Only the owners of api:default/checkout-api may onboard it to Defender for APIs',
        ],
        'api:default/no-such-api': [
          'refused',
          'No entity api:default/no-such-api in the catalog',
        ],
      });
      expect(h.permissionCalls).toEqual({
        authorize: 1,
        authorizeConditional: 1,
      });
    } finally {
      await h.stop();
    }
  });

  it('asks the framework about the entity when the conditions use a rule a catalog module adds', async () => {
    const h = await startHarness({ policyDecision: () => 'CUSTOM_RULE' });
    try {
      const carl = (
        await h.request
          .get(`${BASE}/posture/api/default/wallet-api/access`)
          .set('Authorization', asUser('carl'))
      ).body;
      expect(carl.canOnboard).toBe(true);
      expect(h.permissionCalls.authorize).toBe(1);
    } finally {
      await h.stop();
    }
  });
});

describe('first views', () => {
  it('share subscription and service reads: each new entity costs at most its own collection read', async () => {
    const fresh = Array.from({ length: 12 }, (_, i) =>
      apiEntity(
        `new-${i}`,
        `contoso-payments-apim/${
          ['wallet-api', 'ledger-api', 'checkout-api'][i % 3]
        }`,
      ),
    );
    const h = await startHarness({ entities: [...demoEntities(), ...fresh] });
    try {
      const before = h.emulator.requests().length;
      const answers = await Promise.all(
        fresh.map(e =>
          h.request
            .get(`${BASE}/posture/api/default/${e.metadata.name}`)
            .set('Authorization', asUser('paula')),
        ),
      );
      expect(answers.map(a => a.status)).toEqual(Array(12).fill(200));
      // Read and stored, but not shown until a catalog-wide read has checked the claims.
      expect(answers[1].body).toEqual(
        expect.objectContaining({ status: 'awaitingData', claimPending: true }),
      );
      const requests = h.emulator.requests().slice(before);
      expect(
        requests.filter(r => /apiCollections\/[^/]+$/i.test(r.path)),
      ).toHaveLength(12);
      expect(requests.filter(r => /pricings$/i.test(r.path))).toHaveLength(1);
      // One read of the service's API list (its first page; the emulator pages every 5).
      expect(
        requests.filter(r => /\/apis$/i.test(r.path) && !r.query.$skip),
      ).toHaveLength(1);
      expect(requests.length).toBeLessThanOrEqual(3 * fresh.length);
    } finally {
      await h.stop();
    }
  });

  it('remember a failed subscription read briefly: views one after another while Azure fails read it once', async () => {
    const fresh = Array.from({ length: 5 }, (_, i) =>
      apiEntity(`new-${i}`, 'contoso-payments-apim/wallet-api'),
    );
    const h = await startHarness({ entities: [...demoEntities(), ...fresh] });
    const pricingReads = () =>
      h.emulator
        .requests()
        .filter(r => r.path.includes(`/subscriptions/${SUB_A}/`))
        .filter(r => /pricings$/i.test(r.path));
    try {
      h.emulator.addFault({
        match: { pathPattern: '/pricings$', subscriptionId: SUB_A },
        effect: { malformedJson: true },
      });
      for (const entity of fresh) {
        const answer = await h.request
          .get(`${BASE}/posture/api/default/${entity.metadata.name}`)
          .set('Authorization', asUser('paula'))
          .expect(200);
        expect(answer.body.status).toBe('error');
        expect(answer.body.reason).toMatch(/subscription 11111111/);
      }
      expect(pricingReads()).toHaveLength(1);
      // A refresh reads again whatever views remember.
      h.emulator.clearFaults();
      await h.runScheduledRefresh();
      expect(pricingReads()).toHaveLength(2);
    } finally {
      await h.stop();
    }
  });

  it('finds an API created in APIM after the last refresh, and reads one collection per new entity after a refresh', async () => {
    const h = await startHarness();
    try {
      await h.runScheduledRefresh();
      createApisInPayments(h, { 'brand-new-api': 'Brand new' });
      h.addEntities([
        apiEntity('brand-new-api', 'contoso-payments-apim/brand-new-api'),
        apiEntity('another-new', 'contoso-payments-apim/ledger-api'),
      ]);

      const before = h.emulator.requests().length;
      const fresh = await h.request
        .get(`${BASE}/posture/api/default/brand-new-api`)
        .set('Authorization', asUser('paula'));
      expect(fresh.body).toEqual(
        expect.objectContaining({ status: 'awaitingData', claimPending: true }),
      );
      const known = await h.request
        .get(`${BASE}/posture/api/default/another-new`)
        .set('Authorization', asUser('paula'));
      expect(known.body.claimPending).toBe(true);
      // What the refresh read serves first views: the new API's own read and one collection each.
      const requests = h.emulator
        .requests()
        .slice(before)
        .map(r => r.path);
      expect(requests).toHaveLength(3);
      expect(
        requests.filter(p => /apiCollections\/[^/]+$/i.test(p)),
      ).toHaveLength(2);
      expect(
        requests.filter(p => /\/apis\/brand-new-api$/i.test(p)),
      ).toHaveLength(1);

      // The next catalog-wide read checks both claims: what was read is shown.
      await h.runScheduledRefresh();
      const card = async (name: string) =>
        (
          await h.request
            .get(`${BASE}/posture/api/default/${name}`)
            .set('Authorization', asUser('paula'))
        ).body;
      expect(await card('brand-new-api')).toEqual(
        expect.objectContaining({
          status: 'notOnboarded',
          api: expect.objectContaining({ displayName: 'Brand new' }),
        }),
      );
      expect((await card('another-new')).status).toBe('protected');
    } finally {
      await h.stop();
    }
  });

  it('keeps stored posture and warns when the catalog answers no API entity at all', async () => {
    const logLines: string[] = [];
    const h = await startHarness({ logLines });
    try {
      await h.runScheduledRefresh();
      expect((await list(h, '')).body.totalItems).toBe(19);
      h.replaceEntities([]);
      await h.runScheduledRefresh();
      expect((await list(h, '')).body.totalItems).toBe(19);
      expect(logLines.some(line => /no API entity.*kept/i.test(line))).toBe(
        true,
      );
      // One entity left is an answer: the others are pruned.
      h.replaceEntities(demoEntities().slice(0, 1));
      await h.runScheduledRefresh();
      expect((await list(h, '')).body.totalItems).toBe(1);
    } finally {
      await h.stop();
    }
  });

  it('does not let a slow refresh overwrite what a later read stored meanwhile', async () => {
    const h = await startHarness();
    try {
      await h.runScheduledRefresh();
      // The refresh reads its collections at once but waits on the alerts list.
      h.emulator.addFault({
        match: {
          method: 'GET',
          pathPattern: '/providers/Microsoft.Security/alerts',
        },
        effect: { delayMs: 4000 },
      });
      const refresh = h.runScheduledRefresh();
      await new Promise(resolve => setTimeout(resolve, 300));
      const res = await h.request
        .post(`${BASE}/posture/api/default/wallet-api/onboard`)
        .set('Authorization', asUser('paula'));
      expect(res.status).toBe(202);
      const card = async () =>
        (
          await h.request
            .get(`${BASE}/posture/api/default/wallet-api`)
            .set('Authorization', asUser('paula'))
        ).body;
      // Read again after the operation: onboarded, awaiting data.
      for (let i = 0; i < 50 && (await card()).status !== 'awaitingData'; i++) {
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      expect((await card()).status).toBe('awaitingData');
      await refresh;
      // The refresh started before and saw the API not onboarded; its row did not replace the newer one.
      expect((await card()).status).toBe('awaitingData');
      expect(
        refs((await list(h, '?status=awaitingData&limit=500')).body),
      ).toContain('api:default/wallet-api');
    } finally {
      await h.stop();
    }
  });

  it('answers 429 when a user already has maxQueuedPerUser onboardings queued or running', async () => {
    const names = ['quota-1', 'quota-2', 'quota-3', 'quota-4'];
    const h = await startHarness({
      config: { onboarding: { maxQueuedPerUser: 2 } },
      entities: [
        ...demoEntities(),
        ...names.map((n, i) =>
          apiEntity(
            n,
            `contoso-payments-apim/${n}`,
            i === 3 ? 'group:default/team-checkout' : undefined,
          ),
        ),
      ],
    });
    try {
      // Four more APIs that are not onboarded, like wallet-api.
      createApisInPayments(
        h,
        Object.fromEntries(names.map(name => [name, name])),
      );
      await h.runScheduledRefresh();
      // A slow operation keeps the first ones queued or running.
      h.emulator.addFault({
        match: { method: 'PUT', pathPattern: 'apiCollections' },
        effect: { delayMs: 3000 },
      });
      const onboard = (name: string, user = 'paula') =>
        h.request
          .post(`${BASE}/posture/api/default/${name}/onboard`)
          .set('Authorization', asUser(user));
      expect((await onboard('quota-1')).status).toBe(202);
      expect((await onboard('quota-2')).status).toBe(202);
      const third = await onboard('quota-3');
      expect(third.status).toBe(429);
      expect(third.body).toEqual(
        expect.objectContaining({
          error: expect.objectContaining({
            name: 'TooManyOnboardingsError',
            message: expect.stringMatching(
              /already has 2 onboardings.*maxQueuedPerUser/,
            ),
          }),
          response: { statusCode: 429 },
        }),
      );
      expect(h.armRequests('PUT', 'apiCollections/quota-3')).toEqual([]);
      // Another user is not held back by paula's queue.
      expect((await onboard('quota-4', 'carl')).status).toBe(202);
    } finally {
      await h.stop();
    }
  });

  it('marks an onboarding that does not finish within onboarding.timeout failed, and frees its service', async () => {
    const h = await startHarness({
      config: { onboarding: { timeout: '2s' } },
      entities: [
        ...demoEntities(),
        apiEntity('next-in-line', 'contoso-payments-apim/next-in-line'),
      ],
    });
    try {
      createApisInPayments(h, { 'next-in-line': 'Next' });
      await h.runScheduledRefresh();
      // Azure accepts the PUT, then never answers the operation's status.
      h.emulator.addFault({
        match: { method: 'GET', pathPattern: 'operationResults' },
        effect: { delayMs: 60_000 },
      });
      const onboard = (name: string) =>
        h.request
          .post(`${BASE}/posture/api/default/${name}/onboard`)
          .set('Authorization', asUser('paula'));
      expect((await onboard('wallet-api')).status).toBe(202);
      // One at a time per service: this one waits for the first.
      expect((await onboard('next-in-line')).status).toBe(202);
      const card = async () =>
        (
          await h.request
            .get(`${BASE}/posture/api/default/wallet-api`)
            .set('Authorization', asUser('paula'))
        ).body;
      let body = await card();
      for (let i = 0; i < 80 && body.onboarding?.state !== 'failed'; i++) {
        await new Promise(resolve => setTimeout(resolve, 100));
        body = await card();
      }
      expect(body.onboarding).toEqual(
        expect.objectContaining({
          state: 'failed',
          error: expect.stringMatching(
            /did not finish within 2s.*onboarding\.timeout/,
          ),
        }),
      );
      // The service's slot is free again: the next operation starts.
      for (
        let i = 0;
        i < 50 &&
        h.armRequests('PUT', 'apiCollections/next-in-line').length === 0;
        i++
      ) {
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      expect(h.armRequests('PUT', 'apiCollections/next-in-line')).toHaveLength(
        1,
      );
    } finally {
      await h.stop();
    }
  });
});
