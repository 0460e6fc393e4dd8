/**
 * Reliability: claims on an API. An annotation is written by whoever writes the entity, so two
 * teams' entities naming one APIM API are a conflict that shows no Azure facts and onboards
 * nothing until the platform team resolves it; a service's `allowedOwners` stops squatting.
 */
import {
  apiEntity,
  asUser,
  demoEntities,
  EDGE,
  fullId,
  PAYMENTS,
  PluginHarness,
  RETAIL,
  startHarness,
  isAzureWrite,
} from '../__testUtils__/harness';
import { expectNoAzureFacts } from '../__testUtils__/expectNoAzureFacts';

jest.setTimeout(120_000);

const BASE = '/api/defender-apis';
const posturePath = (name: string) => `${BASE}/posture/api/default/${name}`;
const onboardPath = (name: string) => `${posturePath(name)}/onboard`;
const CHECKOUT = 'group:default/team-checkout';

async function postureOf(h: PluginHarness, name: string, user = 'paula') {
  const res = await h.request
    .get(posturePath(name))
    .set('Authorization', asUser(user));
  expect(res.status).toBe(200);
  return res.body;
}

/** The demo, with contoso-payments-apim open to team-payments only. */
function startWithPaymentsOwnersOnly() {
  return startHarness({
    services: [
      {
        ...PAYMENTS,
        allowedOwners: ['group:team-payments'],
      } as typeof PAYMENTS,
      EDGE,
      RETAIL,
    ],
  });
}

describe('reliability: claims on an API', () => {
  let h: PluginHarness;
  afterEach(() => h?.stop());

  it('makes two owners mapping one API (ids in any case) a conflict: no Azure facts, 409 on onboarding, counted and listed', async () => {
    h = await startHarness();
    await h.runScheduledRefresh();
    const before = await postureOf(h, 'payments-api');
    expect(before.endpoints.total).toBeGreaterThan(0);

    // Another team's entity names the same API, in another form and casing.
    h.addEntities([
      apiEntity('squatter-api', 'CONTOSO-PAYMENTS-APIM/PAYMENTS-API', CHECKOUT),
    ]);
    await h.runScheduledRefresh();

    const owner = await postureOf(h, 'payments-api');
    const squatter = await postureOf(h, 'squatter-api', 'carl');
    // The owners' entity of the API's revision 2 (payments-api-rev2) claims the same API.
    for (const [posture, others] of [
      [owner, ['api:default/squatter-api']],
      [squatter, ['api:default/payments-api', 'api:default/payments-api-rev2']],
    ] as const) {
      expect(posture.status).toBe('conflict');
      for (const other of others) expect(posture.reason).toContain(other);
      expect(posture.conflictWith).toEqual(others);
      expectNoAzureFacts(posture);
    }

    const writesBefore = h.emulator.requests().filter(isAzureWrite).length;
    for (const [name, user] of [
      ['squatter-api', 'carl'],
      ['payments-api', 'paula'],
    ]) {
      const res = await h.request
        .post(onboardPath(name))
        .set('Authorization', asUser(user));
      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain('api:default/');
      expect(res.body.error.message).toMatch(/also map|conflict/i);
    }
    expect(h.emulator.requests().filter(isAzureWrite)).toHaveLength(
      writesBefore,
    );

    const summary = (
      await h.request
        .get(`${BASE}/summary`)
        .set('Authorization', asUser('priya'))
    ).body;
    expect(summary.byStatus.conflict).toBe(3);
    const list = (
      await h.request
        .get(`${BASE}/posture?status=conflict`)
        .set('Authorization', asUser('priya'))
    ).body;
    expect(list.items.map((p: any) => p.entityRef).sort()).toEqual([
      'api:default/payments-api',
      'api:default/payments-api-rev2',
      'api:default/squatter-api',
    ]);
    expectNoAzureFacts(list.items[0]);

    // The platform team removes the squatter: the owner's posture comes back whole.
    h.replaceEntities(demoEntities());
    await h.runScheduledRefresh();
    const after = await postureOf(h, 'payments-api');
    expect(after.status).toBe(before.status);
    expect(after.endpoints).toEqual(before.endpoints);
    expect(after.conflictWith).toBeUndefined();
  });

  it('detects a conflict on the first view of a new entity, and recomposes the entity it conflicts with', async () => {
    h = await startHarness();
    await h.runScheduledRefresh();
    h.addEntities([
      apiEntity(
        'late-squatter-api',
        fullId(PAYMENTS, 'payments-api'),
        CHECKOUT,
      ),
    ]);
    const squatter = await postureOf(h, 'late-squatter-api', 'carl');
    expect(squatter.status).toBe('conflict');
    expectNoAzureFacts(squatter);
    expect((await postureOf(h, 'payments-api')).status).toBe('conflict');
  });

  it("makes a claim on one of the API's revisions (;rev=N) a claim on the API itself", async () => {
    h = await startHarness({
      entities: [
        ...demoEntities(),
        apiEntity(
          'revision-squatter-api',
          'contoso-payments-apim/PAYMENTS-API;rev=2',
          CHECKOUT,
        ),
      ],
    });
    await h.runScheduledRefresh();
    const squatter = await postureOf(h, 'revision-squatter-api', 'carl');
    expect(squatter.status).toBe('conflict');
    // The owners' entities of the API and of its revision 2 (payments-api-rev2) alike.
    expect(squatter.conflictWith).toEqual([
      'api:default/payments-api',
      'api:default/payments-api-rev2',
    ]);
    expectNoAzureFacts(squatter);
    const owner = await postureOf(h, 'payments-api');
    expect(owner.status).toBe('conflict');
    expect(owner.conflictWith).toContain('api:default/revision-squatter-api');
  });

  it('does not make entities of the same owners mapping one API a conflict', async () => {
    h = await startHarness();
    h.addEntities([
      apiEntity('payments-api-v2-docs', 'contoso-payments-apim/payments-api'),
    ]);
    await h.runScheduledRefresh();
    const one = await postureOf(h, 'payments-api');
    const two = await postureOf(h, 'payments-api-v2-docs');
    expect(one.status).not.toBe('conflict');
    expect(two.status).toBe(one.status);
    expect(two.endpoints).toEqual(one.endpoints);
  });

  it('maps only entities of allowedOwners to a service: others are unmapped, saying why, and cause no conflict', async () => {
    h = await startWithPaymentsOwnersOnly();
    h.addEntities([
      apiEntity('squatter-api', 'contoso-payments-apim/payments-api', CHECKOUT),
    ]);
    await h.runScheduledRefresh();

    const squatter = await postureOf(h, 'squatter-api', 'carl');
    expect(squatter.status).toBe('unmapped');
    expect(squatter.mappingIssue).toBe('ownerNotAllowed');
    expect(squatter.reason).toContain('group:default/team-payments');
    expect(squatter.reason).toContain(CHECKOUT);
    expectNoAzureFacts(squatter);
    // checkout-api of the demo catalog, owned by team-checkout, is refused the same way.
    expect((await postureOf(h, 'checkout-api', 'carl')).mappingIssue).toBe(
      'ownerNotAllowed',
    );

    const owner = await postureOf(h, 'payments-api');
    expect(owner.status).not.toBe('conflict');
    expect(owner.endpoints.total).toBeGreaterThan(0);

    const res = await h.request
      .post(onboardPath('squatter-api'))
      .set('Authorization', asUser('carl'));
    expect(res.status).toBe(400);
    expect(h.emulator.requests().filter(isAzureWrite)).toEqual([]);
  });

  it("refuses an entity of another namespace that names an allowed owner: it cannot see the owner's API", async () => {
    h = await startWithPaymentsOwnersOnly();
    // Written by another team into its own namespace, which a namespace-conditional read
    // policy lets it read: it names team-payments as owner and their API.
    const impostor = apiEntity(
      'impostor-api',
      'contoso-payments-apim/payments-api',
      'group:default/team-payments',
    );
    impostor.metadata.namespace = 'team-x';
    h.addEntities([impostor]);
    await h.runScheduledRefresh();

    const res = await h.request
      .get(`${BASE}/posture/api/team-x/impostor-api`)
      .set('Authorization', asUser('carl'));
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('unmapped');
    expect(res.body.mappingIssue).toBe('ownerNotAllowed');
    expect(res.body.reason).toContain('but is in namespace "team-x"');
    expectNoAzureFacts(res.body);
    // The owners' own entity keeps its data, with no conflict.
    const owner = await postureOf(h, 'payments-api');
    expect(owner.status).not.toBe('conflict');
    expect(owner.endpoints.total).toBeGreaterThan(0);
  });
});
