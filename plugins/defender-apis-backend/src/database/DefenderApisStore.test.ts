import { DatabaseService, resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { emptyAlerts } from '@defender-apis/plugin-defender-apis-common';
import { StoredPosture } from '../posture/buildPosture';
import { DefenderApisStore, OnboardingRow } from './DefenderApisStore';

jest.setTimeout(60_000);

// No Docker here: PostgreSQL takes part when BACKSTAGE_TEST_DATABASE_POSTGRES<N>_CONNECTION_STRING
// names a reachable server (scripts/test.sh starts Debian's and sets it).
const POSTGRES_IDS: TestDatabaseId[] = ['POSTGRES_18', 'POSTGRES_17', 'POSTGRES_16', 'POSTGRES_15', 'POSTGRES_14', 'POSTGRES_13'];
const databases = TestDatabases.create({ ids: [...POSTGRES_IDS, 'SQLITE_3'], disableDocker: true });
if (!POSTGRES_IDS.some(id => databases.supports(id))) {
  // eslint-disable-next-line no-console
  console.warn(
    'DefenderApisStore: PostgreSQL tests SKIPPED, no BACKSTAGE_TEST_DATABASE_POSTGRES<N>_CONNECTION_STRING is set; only SQLite runs',
  );
}

async function createStore(id: TestDatabaseId): Promise<DefenderApisStore> {
  const knex = await databases.init(id);
  const database = { getClient: async () => knex } as DatabaseService;
  return DefenderApisStore.create(database);
}

function posture(entityRef: string, extra: Partial<StoredPosture> = {}): StoredPosture {
  return { entityRef, owners: ['group:default/team-payments'], alerts: emptyAlerts(), recommendations: [], stale: false, ...extra };
}

function onboarding(apiId: string, service = 'svc-a'): Omit<OnboardingRow, 'state'> {
  return {
    apiKey: `/subscriptions/s/resourcegroups/rg/providers/microsoft.apimanagement/service/${service}/apis/${apiId}`,
    serviceKey: `s/rg/${service}`,
    entityRef: `api:default/${apiId}`,
    target: { subscriptionId: 's', resourceGroup: 'rg', serviceName: service, apiId },
    requestedBy: 'user:default/paula',
    requestedAt: new Date().toISOString(),
  };
}

describe.each(databases.eachSupportedId())('DefenderApisStore on %s', databaseId => {
  it('stores postures, overwrites them whole, and drops those of entities that left the catalog', async () => {
    const store = await createStore(databaseId);
    await store.putPostures([posture('api:default/a'), posture('api:default/b', { sensitivityLabel: 'x' } as any)], '2026-11-24T09:00:00.000Z');
    await store.putPostures([posture('api:default/a', { stale: true, staleReason: 'Azure said 503' })], '2026-11-24T09:30:00.000Z');
    expect(await store.getPosture('api:default/a')).toEqual(expect.objectContaining({ stale: true, staleReason: 'Azure said 503' }));
    expect((await store.getPostures()).map(p => p.entityRef)).toEqual(['api:default/a', 'api:default/b']);
    expect(await store.deletePosturesExcept(['api:default/b'], '2026-11-24T10:00:00.000Z')).toBe(1);
    expect(await store.getPosture('api:default/a')).toBeUndefined();
    expect(await store.getPostures(['api:default/a', 'api:default/b'])).toHaveLength(1);
  });

  it('lets exactly one of many concurrent claims queue an onboarding', async () => {
    const store = await createStore(databaseId);
    const claims = await Promise.all(Array.from({ length: 20 }, () => store.claimOnboarding(onboarding('wallet'))));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await store.getOnboarding(onboarding('wallet').apiKey))?.state).toBe('queued');
  });

  it('runs at most maxRunning operations per service, and queues a retry only after the last one ended', async () => {
    const store = await createStore(databaseId);
    await store.claimOnboarding(onboarding('one'));
    await store.claimOnboarding(onboarding('two'));
    await store.claimOnboarding(onboarding('other', 'svc-b'));

    const first = await store.takeNextOnboarding(1);
    const second = await store.takeNextOnboarding(1);
    expect(first?.target.apiId).toBe('one');
    expect(second?.target.apiId).toBe('other'); // svc-a is busy, svc-b is not
    expect(await store.takeNextOnboarding(1)).toBeUndefined();

    expect(await store.claimOnboarding(onboarding('one'))).toBe(false); // still running
    await store.finishOnboarding(first!.apiKey, { state: 'failed', error: 'Azure said no' });
    expect(await store.getOnboarding(first!.apiKey)).toEqual(expect.objectContaining({ state: 'failed', error: 'Azure said no' }));
    expect((await store.takeNextOnboarding(1))?.target.apiId).toBe('two');
    expect(await store.claimOnboarding(onboarding('one'))).toBe(true); // a retry after failure
  });

  it('keeps posture stored before the posture columns existed, and lists it after the upgrade', async () => {
    const knex = await databases.init(databaseId);
    const directory = resolvePackagePath('@defender-apis/plugin-defender-apis-backend', 'migrations');
    await knex.migrate.up({ directory, name: '20261122000000_init.js' });
    const old = posture('api:default/old', {
      owners: ['group:default/team-old'],
      api: {
        resourceId: onboarding('old').apiKey,
        subscriptionId: 's',
        resourceGroup: 'rg',
        serviceName: 'svc-a',
        apiId: 'old',
        portalUrl: 'https://portal.azure.com/',
      },
      plan: { enabled: true },
    });
    await knex('defender_apis_posture').insert({ entity_ref: old.entityRef, data: JSON.stringify(old), refreshed_at: null });

    const store = await DefenderApisStore.create({ getClient: async () => knex } as DatabaseService);
    expect(await store.getPosture('api:default/old')).toEqual(old);
    expect(await store.getApiPosture('api:default/old')).toEqual(
      expect.objectContaining({ status: 'notOnboarded', owners: ['group:default/team-old'] }),
    );
    const page = await store.listPostures(
      { owner: ['group:default/team-old'], sort: 'name', order: 'asc', limit: 10 },
      { all: true },
    );
    expect(page.items.map(p => p.entityRef)).toEqual(['api:default/old']);
    // The onboarding queue recomposes the stored status as it changes.
    await store.claimOnboarding(onboarding('old'));
    expect((await store.getApiPosture('api:default/old'))?.status).toBe('onboarding');
    expect((await store.summarize({ all: true })).byStatus.onboarding).toBe(1);
  });

  it('filters by thousands of visible entity refs in one statement', async () => {
    const store = await createStore(databaseId);
    const many = Array.from({ length: 1200 }, (_, i) => posture(`api:default/api-${String(i).padStart(4, '0')}`));
    await store.putPostures(many, '2026-11-24T09:00:00.000Z');
    const visible = many.filter((_, i) => i % 2 === 0).map(p => p.entityRef);
    const page = await store.listPostures({ sort: 'name', order: 'asc', limit: 5 }, { all: false, entityRefs: visible });
    expect(page.totalItems).toBe(600);
    expect(page.items.map(p => p.entityRef)).toEqual(visible.slice(0, 5));
    expect((await store.summarize({ all: false, entityRefs: visible })).total).toBe(600);
  });

  it('never replaces a posture with one from a read that started earlier', async () => {
    const store = await createStore(databaseId);
    const T1 = '2026-11-24T10:00:00.000Z';
    const T2 = '2026-11-24T10:00:05.000Z';
    // A first view read at T2 lands while a refresh that started at T1 is still reading.
    await store.putPostures([posture('api:default/a', { refreshedAt: T2, owners: ['group:default/new'] })], T2);
    await store.putPostures(
      [posture('api:default/a', { refreshedAt: T1, owners: ['group:default/old'] }), posture('api:default/b', { refreshedAt: T1 })],
      T1,
    );
    expect(await store.getPosture('api:default/a')).toEqual(expect.objectContaining({ refreshedAt: T2, owners: ['group:default/new'] }));
    expect((await store.listPostures({ owner: ['group:default/new'], sort: 'name', order: 'asc', limit: 5 }, { all: true })).totalItems).toBe(1);
    expect((await store.listPostures({ owner: ['group:default/old'], sort: 'name', order: 'asc', limit: 5 }, { all: true })).totalItems).toBe(0);
    expect(await store.getPosture('api:default/b')).toEqual(expect.objectContaining({ refreshedAt: T1 }));
    // A later read replaces it.
    await store.putPostures([posture('api:default/a', { refreshedAt: '2026-11-24T10:01:00.000Z' })], '2026-11-24T10:01:00.000Z');
    expect((await store.getPosture('api:default/a'))?.refreshedAt).toBe('2026-11-24T10:01:00.000Z');
  });

  it('prunes only rows stored before the refresh started', async () => {
    const store = await createStore(databaseId);
    await store.putPostures([posture('api:default/gone')], '2026-11-24T09:00:00.000Z');
    await store.putPostures([posture('api:default/new-during-refresh')], '2026-11-24T10:00:05.000Z');
    expect(await store.deletePosturesExcept(['api:default/kept'], '2026-11-24T10:00:00.000Z')).toBe(1);
    expect(await store.getPosture('api:default/gone')).toBeUndefined();
    expect(await store.getPosture('api:default/new-during-refresh')).toBeDefined();
  });

  it('does not let a long queue of one service starve another service', async () => {
    const store = await createStore(databaseId);
    for (let i = 0; i < 60; i++) {
      await store.claimOnboarding({ ...onboarding(`busy-${i}`, 'svc-busy'), requestedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() });
    }
    await store.claimOnboarding({ ...onboarding('patient', 'svc-quiet'), requestedAt: new Date(Date.UTC(2026, 0, 2)).toISOString() });
    expect((await store.takeNextOnboarding(1))?.target.apiId).toBe('busy-0');
    expect((await store.takeNextOnboarding(1))?.target.apiId).toBe('patient');
    expect(await store.takeNextOnboarding(1)).toBeUndefined();
  });

  it('counts the operations a user has queued or running', async () => {
    const store = await createStore(databaseId);
    await store.claimOnboarding(onboarding('one'));
    await store.claimOnboarding({ ...onboarding('two'), requestedBy: 'user:default/carl' });
    await store.claimOnboarding(onboarding('three', 'svc-b'));
    await store.finishOnboarding((await store.takeNextOnboarding(1))!.apiKey, { state: 'succeeded' });
    expect(await store.countActiveOnboardings('user:default/paula')).toBe(1);
    expect(await store.countActiveOnboardings('user:default/carl')).toBe(1);
  });
});
