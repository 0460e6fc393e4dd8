import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex, knex as createKnex } from 'knex';
import {
  createStore as createStoreOn,
  POSTGRES_IDS,
  posture,
  storeOn,
  testDatabases,
} from '../__testUtils__/storeFixtures';
import { StoredPosture } from '../model/buildPosture';
import { HISTORY_TABLE, KnexHistoryStore } from './HistoryStore';

jest.setTimeout(60_000);

const databases = testDatabases('HistoryStore');
const createStore = (id: TestDatabaseId) => createStoreOn(databases, id);

const everything = { all: true } as const;
const range = (from: string, to: string) => ({ from, to });

/** Facts that compose to each status the test needs. */
const facts = {
  unmapped: (ref: string, extra: Partial<StoredPosture> = {}) =>
    posture(ref, {
      mappingIssue: { code: 'missingAnnotation', reason: 'No annotation' },
      ...extra,
    } as Partial<StoredPosture>),
  planDisabled: (ref: string, extra: Partial<StoredPosture> = {}) =>
    posture(ref, { plan: { enabled: false }, ...extra }),
  error: (ref: string, extra: Partial<StoredPosture> = {}) =>
    posture(ref, { readError: 'Azure said 500', ...extra }),
};

describe.each(databases.eachSupportedId())('HistoryStore on %s', databaseId => {
  it('keeps one snapshot per entity and day, rewriting a day only when it changed', async () => {
    const stores = await createStore(databaseId);
    await stores.postures.putPostures(
      [facts.planDisabled('api:default/a'), facts.error('api:default/b')],
      '2026-12-01T08:00:00.000Z',
    );
    expect(
      await stores.history.recordDay('2026-12-01', '2026-12-01T08:01:00.000Z'),
    ).toBe(2);
    // Recorded again unchanged: nothing written.
    expect(
      await stores.history.recordDay('2026-12-01', '2026-12-01T08:31:00.000Z'),
    ).toBe(0);
    await stores.postures.putPostures(
      [facts.unmapped('api:default/b')],
      '2026-12-01T09:00:00.000Z',
    );
    expect(
      await stores.history.recordDay('2026-12-01', '2026-12-01T09:01:00.000Z'),
    ).toBe(1);
    expect(
      await stores.history.recordDay('2026-12-02', '2026-12-02T00:30:00.000Z'),
    ).toBe(2);

    expect(
      await stores.history.apiHistory(
        'api:default/b',
        range('2026-11-01', '2026-12-31'),
      ),
    ).toEqual([
      expect.objectContaining({ day: '2026-12-01', status: 'unmapped' }),
      expect.objectContaining({ day: '2026-12-02', status: 'unmapped' }),
    ]);
    const days = await stores.history.catalogHistory(
      range('2026-12-01', '2026-12-02'),
      everything,
    );
    expect(days.map(d => [d.day, d.total, d.byStatus])).toEqual([
      ['2026-12-01', 2, { planDisabled: 1, unmapped: 1 }],
      ['2026-12-02', 2, { planDisabled: 1, unmapped: 1 }],
    ]);
    // Out of coverage (unmapped) is left out of what applies: 0 of 1 covered.
    expect(days[0]).toEqual(
      expect.objectContaining({ applicable: 1, onboarded: 0, coverage: 0 }),
    );
  });

  it('groups by day within the range, by status and the entities of a filter as the catalog has them now', async () => {
    const stores = await createStore(databaseId);
    const payments = { owners: ['group:default/team-payments'] };
    const edge = {
      owners: ['group:default/team-edge'],
      system: 'system:default/edge',
    };
    await stores.postures.putPostures(
      [
        facts.error('api:default/p1', payments),
        facts.planDisabled('api:default/p2', payments),
        facts.error('api:default/e1', edge),
      ],
      '2026-11-30T08:00:00.000Z',
    );
    await stores.history.recordDay('2026-11-30', '2026-11-30T08:00:00.000Z');
    await stores.postures.putPostures(
      [facts.planDisabled('api:default/p1', payments)],
      '2026-12-01T08:00:00.000Z',
    );
    await stores.history.recordDay('2026-12-01', '2026-12-01T08:00:00.000Z');
    await stores.history.recordDay('2026-12-03', '2026-12-03T08:00:00.000Z');

    const ofPayments = await stores.history.catalogHistory(
      {
        ...range('2026-11-30', '2026-12-03'),
        owner: ['group:default/team-payments'],
      },
      everything,
    );
    expect(ofPayments.map(d => [d.day, d.byStatus])).toEqual([
      ['2026-11-30', { error: 1, planDisabled: 1 }],
      ['2026-12-01', { planDisabled: 2 }],
      // No snapshot on 2 December: the day is left out, not drawn as zero.
      ['2026-12-03', { planDisabled: 2 }],
    ]);
    const errors = await stores.history.catalogHistory(
      { ...range('2026-11-30', '2026-12-01'), status: ['error'] },
      everything,
    );
    expect(errors.map(d => [d.day, d.total])).toEqual([
      ['2026-11-30', 2],
      ['2026-12-01', 1],
    ]);
    const ofEdge = await stores.history.catalogHistory(
      { ...range('2026-12-01', '2026-12-01'), system: ['System:default/EDGE'] },
      everything,
    );
    expect(ofEdge.map(d => d.total)).toEqual([1]);
    expect(
      await stores.history.catalogHistory(
        range('2026-12-02', '2026-12-02'),
        everything,
      ),
    ).toEqual([]);
  });

  it('counts only the entities the caller may see', async () => {
    const stores = await createStore(databaseId);
    await stores.postures.putPostures(
      [facts.error('api:default/seen'), facts.error('api:default/hidden')],
      '2026-12-01T08:00:00.000Z',
    );
    await stores.history.recordDay('2026-12-01', '2026-12-01T08:00:00.000Z');
    const seen = await stores.history.catalogHistory(
      range('2026-12-01', '2026-12-01'),
      {
        all: false,
        entityRefs: ['api:default/seen'],
      },
    );
    expect(seen.map(d => d.total)).toEqual([1]);
    // More refs than bound parameters allow go as one JSON parameter.
    const many = Array.from({ length: 1200 }, (_, i) => `api:default/x${i}`);
    const viaJson = await stores.history.catalogHistory(
      range('2026-12-01', '2026-12-01'),
      {
        all: false,
        entityRefs: [...many, 'api:default/hidden'],
      },
    );
    expect(viaJson.map(d => d.total)).toEqual([1]);
  });

  it('sums the active high alerts of a day and leaves entities awaiting their claim check out', async () => {
    const stores = await createStore(databaseId);
    const alerts = {
      active: 3,
      bySeverity: { high: 2, medium: 1, low: 0, informational: 0 },
      items: [],
    };
    await stores.postures.putPostures(
      [
        facts.error('api:default/a', { alerts }),
        facts.error('api:default/b', { alerts }),
        facts.error('api:default/pending', {
          claimPending: true,
          api: {
            resourceId:
              '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/svc/apis/pending',
            subscriptionId: 's',
            resourceGroup: 'rg',
            serviceName: 'svc',
            apiId: 'pending',
            portalUrl: 'https://portal.example/pending',
          },
        }),
      ],
      '2026-12-01T08:00:00.000Z',
    );
    expect(
      await stores.history.recordDay('2026-12-01', '2026-12-01T08:00:00.000Z'),
    ).toBe(2);
    const [day] = await stores.history.catalogHistory(
      range('2026-12-01', '2026-12-01'),
      everything,
    );
    expect(day).toEqual(expect.objectContaining({ total: 2, highAlerts: 4 }));
  });

  it('prunes the days before a day, in chunks, keeping that day and later ones', async () => {
    const stores = await createStore(databaseId);
    const refs = Array.from({ length: 2_500 }, (_, i) => `api:default/a${i}`);
    await stores.postures.putPostures(
      refs.map(ref => facts.error(ref)),
      '2026-09-01T08:00:00.000Z',
    );
    for (const day of ['2026-09-01', '2026-09-02', '2026-09-03'])
      await stores.history.recordDay(day, `${day}T08:00:00.000Z`);
    // A selection larger than is looked up entity by entity is read by day: the same counts.
    const ofTeam = await stores.history.catalogHistory(
      {
        ...range('2026-09-01', '2026-09-30'),
        owner: ['group:default/team-payments'],
      },
      everything,
    );
    expect(ofTeam.map(d => [d.day, d.total])).toEqual([
      ['2026-09-01', 2_500],
      ['2026-09-02', 2_500],
      ['2026-09-03', 2_500],
    ]);
    expect(await stores.history.pruneBefore('2026-09-03')).toBe(5_000);
    const left = await stores.history.catalogHistory(
      range('2026-09-01', '2026-09-30'),
      everything,
    );
    expect(left.map(d => [d.day, d.total])).toEqual([['2026-09-03', 2_500]]);
    expect(await stores.history.pruneBefore('2026-09-03')).toBe(0);
  });

  it("answers the whole catalog's closed days from one read, and today's and yesterday's as written", async () => {
    const knex = await databases.init(databaseId);
    const stores = await storeOn(knex);
    const history = new KnexHistoryStore(
      knex,
      () => new Date('2026-12-07T10:00:00.000Z'),
    );
    await stores.postures.putPostures(
      [facts.error('api:default/a'), facts.error('api:default/b')],
      '2026-12-01T08:00:00.000Z',
    );
    for (const day of ['2026-12-01', '2026-12-05', '2026-12-06', '2026-12-07'])
      await history.recordDay(day, `${day}T08:00:00.000Z`);
    const whole = () =>
      history.catalogHistory(range('2026-11-20', '2026-12-07'), everything);
    const totals = async () => (await whole()).map(d => [d.day, d.byStatus]);
    expect(await totals()).toEqual([
      ['2026-12-01', { error: 2 }],
      ['2026-12-05', { error: 2 }],
      ['2026-12-06', { error: 2 }],
      ['2026-12-07', { error: 2 }],
    ]);
    // Today and yesterday may still change; an answer shows their changes at once.
    await stores.postures.putPostures(
      [facts.unmapped('api:default/a')],
      '2026-12-07T09:00:00.000Z',
    );
    await history.recordDay('2026-12-07', '2026-12-07T09:00:01.000Z');
    await history.recordDay('2026-12-06', '2026-12-07T09:00:01.000Z');
    expect(await totals()).toEqual([
      ['2026-12-01', { error: 2 }],
      ['2026-12-05', { error: 2 }],
      ['2026-12-06', { error: 1, unmapped: 1 }],
      ['2026-12-07', { error: 1, unmapped: 1 }],
    ]);
    // The same days narrowed to every API (no day from memory) count alike.
    const narrowed = await history.catalogHistory(
      {
        ...range('2026-11-20', '2026-12-07'),
        owner: ['group:default/team-payments'],
      },
      everything,
    );
    expect(narrowed).toEqual(await whole());
    // A pruned day is gone from the answers, memory included.
    await history.pruneBefore('2026-12-02');
    expect((await whole()).map(d => d.day)).toEqual([
      '2026-12-05',
      '2026-12-06',
      '2026-12-07',
    ]);
  });

  it('keeps when each API took its current status: moved by a change of status only', async () => {
    const stores = await createStore(databaseId);
    await stores.postures.putPostures(
      [facts.error('api:default/a')],
      '2026-12-01T08:00:00.000Z',
    );
    const since = async () =>
      (await stores.postures.getApiPosture('api:default/a'))?.statusSince;
    expect(await since()).toBe('2026-12-01T08:00:00.000Z');
    // Read again with other content but the same status.
    await stores.postures.putPostures(
      [facts.error('api:default/a', { readError: 'Azure said 503' })],
      '2026-12-02T08:00:00.000Z',
    );
    expect(await since()).toBe('2026-12-01T08:00:00.000Z');
    await stores.postures.putPostures(
      [facts.unmapped('api:default/a')],
      '2026-12-03T08:00:00.000Z',
    );
    expect(await since()).toBe('2026-12-03T08:00:00.000Z');
    const [listed] = (
      await stores.postures.listPostures(
        { sort: 'name', order: 'asc', limit: 10 },
        everything,
      )
    ).items;
    expect(listed.statusSince).toBe('2026-12-03T08:00:00.000Z');
  });
});

const postgres = databases
  .eachSupportedId()
  .filter(([id]) => POSTGRES_IDS.includes(id as TestDatabaseId));

describe.each(postgres)('HistoryStore on %s only', databaseId => {
  it('records hostile catalog and Azure text of the widest columns', async () => {
    const stores = await createStore(databaseId);
    const long = (prefix: string, n: number) => `${prefix}${'ü'.repeat(n)}`;
    await stores.postures.putPostures(
      [
        facts.planDisabled('api:default/hostile', {
          owners: Array.from({ length: 40 }, (_, i) =>
            long(`group:default/team-${i}-`, 200),
          ),
          system: long('system:default/', 400),
          domain: long('domain:default/', 400),
          lifecycle: long('prod\u0000', 400),
          title: long('Title ', 5_000),
          plan: { enabled: true, subPlan: long('P', 500) },
        } as Partial<StoredPosture>),
      ],
      '2026-12-01T08:00:00.000Z',
    );
    expect(
      await stores.history.recordDay('2026-12-01', '2026-12-01T08:00:00.000Z'),
    ).toBe(1);
    const [day] = await stores.history.apiHistory(
      'api:default/hostile',
      range('2026-12-01', '2026-12-01'),
    );
    expect(day).toEqual(expect.objectContaining({ day: '2026-12-01' }));
  });

  it('keeps one snapshot per entity and day when two replicas record the same day at once', async () => {
    const first = await databases.init(databaseId);
    const stores = await storeOn(first);
    const refs = Array.from({ length: 600 }, (_, i) => `api:default/a${i}`);
    await stores.postures.putPostures(
      refs.map(ref => facts.error(ref)),
      '2026-12-01T08:00:00.000Z',
    );
    const second: Knex = createKnex({
      client: 'pg',
      connection: first.client.config.connection,
    });
    try {
      const other = await storeOn(second);
      await Promise.all([
        stores.history.recordDay('2026-12-01', '2026-12-01T08:00:00.000Z'),
        other.history.recordDay('2026-12-01', '2026-12-01T08:00:01.000Z'),
        stores.history.recordDay('2026-12-01', '2026-12-01T08:00:02.000Z'),
      ]);
      const [{ n }] = await first(HISTORY_TABLE).count({ n: '*' });
      expect(Number(n)).toBe(600);
    } finally {
      await second.destroy();
    }
  });
});
