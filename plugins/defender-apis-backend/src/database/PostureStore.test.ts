import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  createStore as createStoreOn,
  onboarding,
  POSTGRES_IDS,
  posture,
  storeOn,
  testDatabases,
} from '../__testUtils__/storeFixtures';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex, knex as createKnex } from 'knex';

jest.setTimeout(60_000);

const databases = testDatabases('PostureStore');
const createStore = (id: TestDatabaseId) => createStoreOn(databases, id);

describe.each(databases.eachSupportedId())('PostureStore on %s', databaseId => {
  it('stores postures, overwrites them whole, and drops those of entities that left the catalog', async () => {
    const store = await createStore(databaseId);
    await store.postures.putPostures(
      [
        posture('api:default/a'),
        posture('api:default/b', { sensitivityLabel: 'x' } as any),
      ],
      '2026-11-24T09:00:00.000Z',
    );
    await store.postures.putPostures(
      [
        posture('api:default/a', {
          stale: true,
          staleReason: 'Azure said 503',
        }),
      ],
      '2026-11-24T09:30:00.000Z',
    );
    expect(await store.postures.getPosture('api:default/a')).toEqual(
      expect.objectContaining({ stale: true, staleReason: 'Azure said 503' }),
    );
    expect((await store.postures.getPostures()).map(p => p.entityRef)).toEqual([
      'api:default/a',
      'api:default/b',
    ]);
    expect(
      await store.postures.deletePosturesExcept(
        ['api:default/b'],
        '2026-11-24T10:00:00.000Z',
      ),
    ).toBe(1);
    expect(await store.postures.getPosture('api:default/a')).toBeUndefined();
    expect(
      await store.postures.getPostures(['api:default/a', 'api:default/b']),
    ).toHaveLength(1);
  });

  it('writes postures given in chunks in one transaction: all of them, or none when a chunk fails', async () => {
    const store = await createStore(databaseId);
    const refs = Array.from({ length: 450 }, (_, i) => `api:default/a${i}`);
    await store.postures.putPostures(
      refs.map(ref => posture(ref)),
      '2026-11-24T09:00:00.000Z',
    );
    async function* chunks(failAfter?: number) {
      for (let i = 0; i < refs.length; i += 150) {
        if (failAfter !== undefined && i >= failAfter)
          throw new Error('building a posture failed');
        yield refs
          .slice(i, i + 150)
          .map(ref => posture(ref, { stale: true, staleReason: `read ${i}` }));
      }
    }
    await expect(
      store.postures.putPostures(chunks(300), '2026-11-24T09:30:00.000Z'),
    ).rejects.toThrow('building a posture failed');
    // The chunks written before the failure were rolled back with it.
    expect(
      (await store.postures.getPostures())
        .filter(p => p.stale)
        .map(p => p.entityRef),
    ).toEqual([]);
    await store.postures.putPostures(chunks(), '2026-11-24T09:30:00.000Z');
    const stored = await store.postures.getPostures();
    expect(stored).toHaveLength(450);
    expect(stored.every(p => p.stale)).toBe(true);
    expect(
      stored.find(p => p.entityRef === 'api:default/a449')?.staleReason,
    ).toBe('read 300');
  });

  it('keeps posture stored before the posture columns existed, and lists it after the upgrade', async () => {
    const knex = await databases.init(databaseId);
    const directory = resolvePackagePath(
      '@defender-apis/plugin-defender-apis-backend',
      'migrations',
    );
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
    await knex('defender_apis_posture').insert({
      entity_ref: old.entityRef,
      data: JSON.stringify(old),
      refreshed_at: null,
    });

    const store = await storeOn(knex);
    expect(await store.postures.getPosture('api:default/old')).toEqual(old);
    expect(await store.postures.getApiPosture('api:default/old')).toEqual(
      expect.objectContaining({
        status: 'notOnboarded',
        owners: ['group:default/team-old'],
      }),
    );
    const page = await store.postures.listPostures(
      {
        owner: ['group:default/team-old'],
        sort: 'name',
        order: 'asc',
        limit: 10,
      },
      { all: true },
    );
    expect(page.items.map(p => p.entityRef)).toEqual(['api:default/old']);
    // The onboarding queue recomposes the stored status as it changes.
    await store.onboardingQueue.claimOnboarding(onboarding('old'));
    expect(
      (await store.postures.getApiPosture('api:default/old'))?.status,
    ).toBe('onboarding');
    expect(
      (await store.postures.summarize({ all: true })).byStatus.onboarding,
    ).toBe(1);
  });

  it('filters by thousands of visible entity refs in one statement', async () => {
    const store = await createStore(databaseId);
    const many = Array.from({ length: 1200 }, (_, i) =>
      posture(`api:default/api-${String(i).padStart(4, '0')}`),
    );
    await store.postures.putPostures(many, '2026-11-24T09:00:00.000Z');
    const visible = many.filter((_, i) => i % 2 === 0).map(p => p.entityRef);
    const page = await store.postures.listPostures(
      { sort: 'name', order: 'asc', limit: 5 },
      { all: false, entityRefs: visible },
    );
    expect(page.totalItems).toBe(600);
    expect(page.items.map(p => p.entityRef)).toEqual(visible.slice(0, 5));
    expect(
      (await store.postures.summarize({ all: false, entityRefs: visible }))
        .total,
    ).toBe(600);
  });

  it('never replaces a posture with one from a read that started earlier', async () => {
    const store = await createStore(databaseId);
    const T1 = '2026-11-24T10:00:00.000Z';
    const T2 = '2026-11-24T10:00:05.000Z';
    // A first view read at T2 lands while a refresh that started at T1 is still reading.
    await store.postures.putPostures(
      [
        posture('api:default/a', {
          refreshedAt: T2,
          owners: ['group:default/new'],
        }),
      ],
      T2,
    );
    await store.postures.putPostures(
      [
        posture('api:default/a', {
          refreshedAt: T1,
          owners: ['group:default/old'],
        }),
        posture('api:default/b', { refreshedAt: T1 }),
      ],
      T1,
    );
    expect(await store.postures.getPosture('api:default/a')).toEqual(
      expect.objectContaining({
        refreshedAt: T2,
        owners: ['group:default/new'],
      }),
    );
    expect(
      (
        await store.postures.listPostures(
          {
            owner: ['group:default/new'],
            sort: 'name',
            order: 'asc',
            limit: 5,
          },
          { all: true },
        )
      ).totalItems,
    ).toBe(1);
    expect(
      (
        await store.postures.listPostures(
          {
            owner: ['group:default/old'],
            sort: 'name',
            order: 'asc',
            limit: 5,
          },
          { all: true },
        )
      ).totalItems,
    ).toBe(0);
    expect(await store.postures.getPosture('api:default/b')).toEqual(
      expect.objectContaining({ refreshedAt: T1 }),
    );
    // A later read replaces it.
    await store.postures.putPostures(
      [posture('api:default/a', { refreshedAt: '2026-11-24T10:01:00.000Z' })],
      '2026-11-24T10:01:00.000Z',
    );
    expect(
      (await store.postures.getPosture('api:default/a'))?.refreshedAt,
    ).toBe('2026-11-24T10:01:00.000Z');
  });

  it('rewrites only postures whose content changed; the others get the new refresh time', async () => {
    const knex = await databases.init(databaseId);
    const store = await storeOn(knex);
    const T1 = '2026-11-24T10:00:00.000Z';
    const T2 = '2026-11-24T10:30:00.000Z';
    const read = (at: string, changedB: boolean) => [
      posture('api:default/a', { refreshedAt: at }),
      posture('api:default/b', {
        refreshedAt: at,
        ...(changedB ? { owners: ['group:default/team-b'] } : {}),
      }),
      // Stale again for the same reason: its refresh time stays that of the last good read.
      posture('api:default/c', {
        refreshedAt: '2026-11-24T09:00:00.000Z',
        stale: true,
        staleReason: 'Azure said 503',
      }),
    ];
    await store.postures.putPostures(read(T1, false), T1);
    const upserted: string[] = [];
    knex.on('query', (q: { sql: string; bindings?: unknown[] }) => {
      if (/^insert into .defender_apis_posture. /i.test(q.sql)) {
        upserted.push(
          ...(q.bindings ?? []).filter(
            (b): b is string =>
              typeof b === 'string' && b.startsWith('api:default/'),
          ),
        );
      }
    });
    expect(await store.postures.putPostures(read(T2, true), T2)).toEqual({
      rewritten: 1,
      failed: [],
      observed: [],
    });
    expect(upserted).toEqual(['api:default/b']);
    expect(
      (await store.postures.getPostures()).map(p => [
        p.entityRef,
        p.refreshedAt,
      ]),
    ).toEqual([
      ['api:default/a', T2],
      ['api:default/b', T2],
      ['api:default/c', '2026-11-24T09:00:00.000Z'],
    ]);
    expect(
      (await store.postures.getApiPosture('api:default/a'))?.refreshedAt,
    ).toBe(T2);
    const byRefreshTime = await store.postures.listPostures(
      { sort: 'refreshedAt', order: 'desc', limit: 5 },
      { all: true },
    );
    expect(byRefreshTime.items.map(p => [p.entityRef, p.refreshedAt])).toEqual([
      ['api:default/b', T2],
      ['api:default/a', T2],
      ['api:default/c', '2026-11-24T09:00:00.000Z'],
    ]);
    expect(
      (
        await store.postures.listPostures(
          {
            owner: ['group:default/team-b'],
            sort: 'name',
            order: 'asc',
            limit: 5,
          },
          { all: true },
        )
      ).items.map(p => p.entityRef),
    ).toEqual(['api:default/b']);
    // An earlier read that saw the same content does not move the time back.
    await store.postures.putPostures(read(T1, true), T1);
    expect(
      (await store.postures.getPosture('api:default/a'))?.refreshedAt,
    ).toBe(T2);
  });

  it('finds stale postures by when their data was last read, and tells what a rewrite replaced', async () => {
    const store = await createStore(databaseId);
    const read = (ref: string, refreshedAt: string, stale: boolean) =>
      posture(ref, {
        refreshedAt,
        stale,
        ...(stale ? { staleReason: 'Azure said 403' } : {}),
      });
    await store.postures.putPostures(
      [
        read('api:default/old', '2026-11-20T09:00:00.000Z', true),
        read('api:default/recent', '2026-11-24T08:00:00.000Z', true),
        read('api:default/fresh', '2026-11-21T09:00:00.000Z', false),
      ],
      '2026-11-24T09:00:00.000Z',
    );
    const found = await store.postures.stalePostures(
      '2026-11-20T00:00:00.000Z',
      '2026-11-24T00:00:00.000Z',
      10,
    );
    expect(found.map(p => [p.entityRef, p.refreshedAt, p.staleReason])).toEqual(
      [['api:default/old', '2026-11-20T09:00:00.000Z', 'Azure said 403']],
    );

    // A rewrite hands the observer what it replaced; an unchanged posture is not observed.
    const { observed } = await store.postures.putPostures(
      [
        read('api:default/old', '2026-11-24T10:00:00.000Z', false),
        read('api:default/fresh', '2026-11-21T09:00:00.000Z', false),
      ],
      '2026-11-24T10:00:00.000Z',
      (before, after) => [
        `${before.entityRef}: ${before.stale} -> ${after.stale}`,
      ],
    );
    expect(observed).toEqual(['api:default/old: true -> false']);
  });

  it('prunes only rows stored before the refresh started', async () => {
    const store = await createStore(databaseId);
    await store.postures.putPostures(
      [posture('api:default/gone')],
      '2026-11-24T09:00:00.000Z',
    );
    await store.postures.putPostures(
      [posture('api:default/new-during-refresh')],
      '2026-11-24T10:00:05.000Z',
    );
    expect(
      await store.postures.deletePosturesExcept(
        ['api:default/kept'],
        '2026-11-24T10:00:00.000Z',
      ),
    ).toBe(1);
    expect(await store.postures.getPosture('api:default/gone')).toBeUndefined();
    expect(
      await store.postures.getPosture('api:default/new-during-refresh'),
    ).toBeDefined();
  });
});

/** Waits until some statement on the database waits for a lock another transaction holds. */
async function untilSomeoneWaitsForALock(knex: Knex): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    const { rows } = await knex.raw(
      "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()",
    );
    if (rows[0].n > 0) return;
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  throw new Error('No statement came to wait for a lock within 10 s');
}

const postgresIds = POSTGRES_IDS.filter(id => databases.supports(id));
if (postgresIds.length > 0) {
  describe.each(postgresIds)('Posture writes racing on one %s', databaseId => {
    let second: Knex | undefined;
    afterEach(async () => {
      await second?.destroy();
      second = undefined;
    });

    it("composes an onboarding's change with the facts a refresh wrote meanwhile, not over them", async () => {
      const knex = await databases.init(databaseId);
      const refresh = await storeOn(knex);
      second = createKnex(knex.client.config);
      const queueSide = await storeOn(second);
      const withApi = (owner: string, refreshedAt: string) =>
        posture('api:default/a', {
          refreshedAt,
          owners: [owner],
          api: {
            resourceId: onboarding('a').apiKey,
            subscriptionId: 's',
            resourceGroup: 'rg',
            serviceName: 'svc-a',
            apiId: 'a',
            portalUrl: 'https://portal.azure.com/',
          },
          plan: { enabled: true },
        });
      await refresh.postures.putPostures(
        [withApi('group:default/first', '2026-11-24T09:00:00.000Z')],
        '2026-11-24T09:00:00.000Z',
      );

      // A refresh has written the row and not committed yet...
      const T2 = '2026-11-24T10:00:05.000Z';
      let written!: () => void;
      const refreshWritten = new Promise<void>(resolve => (written = resolve));
      let commit!: () => void;
      const committing = new Promise<void>(resolve => (commit = resolve));
      async function* refreshRead() {
        yield [withApi('group:default/new', T2)];
        written();
        await committing;
      }
      const refreshWrite = refresh.postures.putPostures(refreshRead(), T2);
      await refreshWritten;
      // ...when the API's onboarding is queued on another replica, which recomposes it.
      const claim = queueSide.onboardingQueue.claimOnboarding(onboarding('a'));
      await untilSomeoneWaitsForALock(knex);
      commit();
      await Promise.all([refreshWrite, claim]);

      const served = await refresh.postures.getApiPosture('api:default/a');
      // The refresh's facts, and the onboarding queued since.
      expect(served?.owners).toEqual(['group:default/new']);
      expect(served?.refreshedAt).toBe(T2);
      expect(served?.status).toBe('onboarding');
    });

    it('keeps the owners of a newer read when an older one waited for its row', async () => {
      const knex = await databases.init(databaseId);
      const newer = await storeOn(knex);
      second = createKnex(knex.client.config);
      const older = await storeOn(second);
      const entity = (owner: string, refreshedAt: string) =>
        posture('api:default/a', { refreshedAt, owners: [owner] });
      await newer.postures.putPostures(
        [entity('group:default/first', '2026-11-24T09:00:00.000Z')],
        '2026-11-24T09:00:00.000Z',
      );

      // A read after onboarding (T2) has written the row and not committed yet...
      const T1 = '2026-11-24T10:00:00.000Z';
      const T2 = '2026-11-24T10:00:05.000Z';
      let written!: () => void;
      const newerWritten = new Promise<void>(resolve => (written = resolve));
      let commit!: () => void;
      const committing = new Promise<void>(resolve => (commit = resolve));
      async function* newerRead() {
        yield [entity('group:default/new', T2)];
        written();
        await committing;
      }
      const newerWrite = newer.postures.putPostures(newerRead(), T2);
      await newerWritten;
      // ...when a refresh that started earlier (T1) comes to write it, and waits for its lock.
      const olderWrite = older.postures.putPostures(
        [entity('group:default/old', T1)],
        T1,
      );
      await untilSomeoneWaitsForALock(knex);
      commit();
      await Promise.all([newerWrite, olderWrite]);

      const owned = async (owner: string) =>
        (
          await newer.postures.listPostures(
            { owner: [owner], sort: 'name', order: 'asc', limit: 5 },
            { all: true },
          )
        ).items.map(p => [p.entityRef, p.refreshedAt]);
      expect(await owned('group:default/new')).toEqual([['api:default/a', T2]]);
      expect(await owned('group:default/old')).toEqual([]);
    });
  });
}
