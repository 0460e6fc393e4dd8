/**
 * Catalog text of any length or content never stops a write of postures: PostgreSQL refuses
 * what its columns do not hold (SQLite does not), so both run here.
 */
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import {
  posture,
  storeOn,
  testDatabases,
} from '../__testUtils__/storeFixtures';

jest.setTimeout(60_000);

const databases = testDatabases('hostileText');

const longTitle = `Payments ${'very long title '.repeat(125)}`.slice(0, 2000);
const longLifecycle = `Production-${'x'.repeat(589)}`;
const longSystem = `system:default/${'s'.repeat(585)}`;
const longDomain = `domain:default/${'d'.repeat(585)}`;
const hundredOwners = Array.from(
  { length: 100 },
  (_, i) => `group:default/team-with-a-rather-long-name-${i}`,
);

/** Refuses, in the database itself, every posture row the predicate (SQL on NEW) matches. */
async function refuseRows(knex: Knex, id: TestDatabaseId, when: string) {
  if (id.startsWith('POSTGRES')) {
    await knex.raw(
      `create function refuse_posture() returns trigger as $$ begin if ${when} then raise exception 'refused by a test trigger'; end if; return new; end $$ language plpgsql`,
    );
    await knex.raw(
      'create trigger refuse_posture before insert or update on defender_apis_posture for each row execute function refuse_posture()',
    );
  } else {
    for (const event of ['insert', 'update']) {
      await knex.raw(
        `create trigger refuse_posture_${event} before ${event} on defender_apis_posture when ${when} begin select raise(abort, 'refused by a test trigger'); end`,
      );
    }
  }
}

describe.each(databases.eachSupportedId())('hostile text on %s', id => {
  it('stores a 2,000-character title, 600-character lifecycle, system and domain and a hundred owners beside the others', async () => {
    const store = await storeOn(await databases.init(id));
    const hostile = posture('api:default/hostile', {
      title: longTitle,
      lifecycle: longLifecycle,
      system: longSystem,
      domain: longDomain,
      owners: hundredOwners,
    });
    const result = await store.postures.putPostures(
      [posture('api:default/a'), hostile, posture('api:default/b')],
      '2026-12-06T09:00:00.000Z',
    );
    expect(result.failed).toEqual([]);
    // The whole text stays in the document.
    expect(await store.postures.getPosture('api:default/hostile')).toEqual(
      expect.objectContaining({
        title: longTitle,
        lifecycle: longLifecycle,
        system: longSystem,
        domain: longDomain,
        owners: hundredOwners,
      }),
    );
    expect((await store.postures.getPostures()).map(p => p.entityRef)).toEqual([
      'api:default/a',
      'api:default/b',
      'api:default/hostile',
    ]);
    // Filters by the whole values find it; every owner is an owner.
    const byLong = await store.postures.listPostures(
      {
        lifecycle: [longLifecycle],
        system: [longSystem.toUpperCase()],
        domain: [longDomain],
        owner: [hundredOwners[99]],
        sort: 'name',
        order: 'asc',
        limit: 10,
      },
      { all: true },
    );
    expect(byLong.items.map(p => p.entityRef)).toEqual(['api:default/hostile']);
    const summary = await store.postures.summarize({ all: true });
    expect(summary.total).toBe(3);
  });

  it('stores titles with NUL characters and split surrogate pairs', async () => {
    const store = await storeOn(await databases.init(id));
    const title = `a\u0000b${'😀'.repeat(300)}`;
    const result = await store.postures.putPostures(
      [
        posture('api:default/nul', {
          title,
          lifecycle: `x${'😀'.repeat(200)}`,
        }),
      ],
      '2026-12-06T09:00:00.000Z',
    );
    expect(result.failed).toEqual([]);
    expect((await store.postures.getPosture('api:default/nul'))?.title).toBe(
      title,
    );
  });

  it('stores a posture the database refuses as an error posture with the reason, and the rest of the write commits', async () => {
    const knex = await databases.init(id);
    const store = await storeOn(knex);
    await store.postures.putPostures(
      [posture('api:default/poisoned', { lifecycle: 'production' })],
      '2026-12-06T08:00:00.000Z',
    );
    await refuseRows(knex, id, "new.lifecycle = 'poison'");
    const refs = Array.from({ length: 450 }, (_, i) => `api:default/a${i}`);
    const result = await store.postures.putPostures(
      [
        ...refs.slice(0, 300).map(ref => posture(ref)),
        posture('api:default/poisoned', { lifecycle: 'Poison' }),
        ...refs.slice(300).map(ref => posture(ref)),
      ],
      '2026-12-06T09:00:00.000Z',
    );
    expect(result.failed).toEqual([
      {
        entityRef: 'api:default/poisoned',
        reason: expect.stringContaining('refused by a test trigger'),
      },
    ]);
    expect(await store.postures.getPostures()).toHaveLength(451);
    const poisoned = await store.postures.getApiPosture('api:default/poisoned');
    expect(poisoned).toEqual(
      expect.objectContaining({
        status: 'error',
        reason: expect.stringContaining('refused by a test trigger'),
        owners: ['group:default/team-payments'],
      }),
    );
    // The reason is the database's, not the statement with its values.
    expect(poisoned?.reason).not.toContain('insert into');
  });

  it('leaves a posture the database refuses even as an error posture as it was, and writes the others', async () => {
    const knex = await databases.init(id);
    const store = await storeOn(knex);
    await store.postures.putPostures(
      [posture('api:default/stuck', { lifecycle: 'before' })],
      '2026-12-06T08:00:00.000Z',
    );
    await refuseRows(knex, id, "new.entity_ref = 'api:default/stuck'");
    const result = await store.postures.putPostures(
      [
        posture('api:default/a', { lifecycle: 'now' }),
        posture('api:default/stuck', { lifecycle: 'after' }),
        posture('api:default/b', { lifecycle: 'now' }),
      ],
      '2026-12-06T09:00:00.000Z',
    );
    expect(result.failed.map(f => f.entityRef)).toEqual(['api:default/stuck']);
    expect(
      (await store.postures.getPosture('api:default/stuck'))?.lifecycle,
    ).toBe('before');
    expect((await store.postures.getPosture('api:default/b'))?.lifecycle).toBe(
      'now',
    );
  });
});
