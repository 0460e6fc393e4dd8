/**
 * Posture history through the whole plugin against the ARM emulator, on a file SQLite
 * database and on PostgreSQL (when DEFENDER_APIS_TEST_POSTGRES_URL names a server): the day's
 * snapshots written by the refresh, charts of the catalog and of one API as the caller may see
 * them, retention, and bad queries.
 */
import { historyDayOf } from '@defender-apis/plugin-defender-apis-common';
import { Knex } from 'knex';
import {
  asService,
  asUser,
  PluginHarness,
  startHarness,
} from './__testUtils__/harness';
import { pluginDatabases, pluginKnex } from './__testUtils__/pluginDatabases';
import { HISTORY_TABLE } from './database/HistoryStore';
import { daysBefore } from './model/historyQuery';

jest.setTimeout(120_000);

const databases = pluginDatabases('defender_history');

/** A snapshot row of a past day, as a refresh that day would have written it. */
function snapshot(
  entityRef: string,
  day: string,
  status: string,
  owners: string,
) {
  return {
    entity_ref: entityRef,
    day,
    status,
    coverage: ['protected', 'atRisk', 'awaitingData'].includes(status)
      ? 'threatProtection'
      : 'none',
    plan: 'p1',
    endpoints_total: 3,
    unauthenticated: status === 'atRisk' ? 2 : 0,
    sensitive_data: 0,
    alerts_active: 1,
    alerts_high: 1,
    alerts_medium: 0,
    alerts_low: 0,
    alerts_informational: 0,
    owners_key: owners,
    system: '',
    domain: '',
    lifecycle: 'production',
    recorded_at: `${day}T12:00:00.000Z`,
  };
}

describe.each(databases)('posture history on %s', (_name, database) => {
  let h: PluginHarness;
  let knex: Knex | undefined;
  afterEach(async () => {
    await knex?.destroy();
    knex = undefined;
    await h?.stop();
  });

  it('says a new install has no history yet, then charts the day each refresh writes, as the summary counts it', async () => {
    h = await startHarness({ database: database() });
    const empty = await h.request
      .get('/api/defender-apis/history')
      .set('Authorization', asUser('paula'));
    expect(empty.status).toBe(200);
    const today = historyDayOf(new Date());
    expect(empty.body).toEqual({
      from: daysBefore(today, 89),
      to: today,
      retentionDays: 90,
      days: [],
    });

    await h.runScheduledRefresh();
    const [history, summary] = await Promise.all([
      h.request
        .get('/api/defender-apis/history')
        .set('Authorization', asUser('paula')),
      h.request
        .get('/api/defender-apis/summary')
        .set('Authorization', asUser('paula')),
    ]);
    expect(history.status).toBe(200);
    expect(history.body.days).toHaveLength(1);
    const [day] = history.body.days;
    expect(day).toEqual(
      expect.objectContaining({
        day: today,
        total: summary.body.total,
        onboarded: summary.body.onboarded,
        applicable: summary.body.applicable,
        atRisk: summary.body.byStatus.atRisk,
        coverage: summary.body.onboarded / summary.body.applicable,
      }),
    );
    expect(day.atRisk).toBeGreaterThan(0);
    // A second refresh the same day keeps one snapshot per API.
    await h.runScheduledRefresh();
    const again = await h.request
      .get('/api/defender-apis/history')
      .set('Authorization', asService());
    expect(again.body.days).toEqual([day]);
  });

  it("charts past days of a team's APIs, says since when an API has its status, and prunes what is past retention", async () => {
    const config = database();
    h = await startHarness({
      database: config,
      refreshed: true,
      config: { history: { days: 30 } },
    });
    knex = pluginKnex(config);
    const today = historyDayOf(new Date());
    const yesterday = daysBefore(today, 1);
    const old = daysBefore(today, 40);
    await knex(HISTORY_TABLE).insert([
      snapshot(
        'api:default/checkout-api',
        yesterday,
        'protected',
        'group:default/team-checkout',
      ),
      snapshot(
        'api:default/payments-api',
        yesterday,
        'atRisk',
        'group:default/team-payments',
      ),
      snapshot(
        'api:default/checkout-api',
        old,
        'notOnboarded',
        'group:default/team-checkout',
      ),
    ]);

    const team = await h.request
      .get('/api/defender-apis/history')
      .query({ owner: 'group:default/team-checkout', from: yesterday })
      .set('Authorization', asUser('carl'));
    expect(team.status).toBe(200);
    expect(team.body.days.map((d: any) => d.day)).toEqual([yesterday, today]);
    expect(team.body.days[0]).toEqual(
      expect.objectContaining({ byStatus: { protected: 1 }, atRisk: 0 }),
    );
    expect(team.body.days[1].byStatus.atRisk).toBe(1);

    const atRisk = await h.request
      .get('/api/defender-apis/history')
      .query({ status: 'atRisk', from: yesterday, to: yesterday })
      .set('Authorization', asUser('carl'));
    expect(atRisk.body.days).toEqual([
      expect.objectContaining({ day: yesterday, total: 1, atRisk: 1 }),
    ]);

    const checkout = await h.request
      .get('/api/defender-apis/history/api/default/checkout-api')
      .query({ from: old })
      .set('Authorization', asUser('carl'));
    expect(checkout.status).toBe(200);
    expect(checkout.body).toEqual(
      expect.objectContaining({
        entityRef: 'api:default/checkout-api',
        status: 'atRisk',
        statusSince: expect.any(String),
      }),
    );
    expect(Date.parse(checkout.body.statusSince)).toBeGreaterThan(
      Date.now() - 120_000,
    );
    expect(checkout.body.days.map((d: any) => [d.day, d.status])).toEqual([
      [old, 'notOnboarded'],
      [yesterday, 'protected'],
      [today, 'atRisk'],
    ]);
    expect(checkout.body.days[2]).toEqual(
      expect.objectContaining({
        unauthenticated: 2,
        coverage: 'threatProtection',
      }),
    );

    await h.runScheduledTask('defender-apis-history-retention');
    const after = await h.request
      .get('/api/defender-apis/history/api/default/checkout-api')
      .query({ from: old })
      .set('Authorization', asUser('carl'));
    expect(after.body.days.map((d: any) => d.day)).toEqual([yesterday, today]);
  });

  it('moves statusSince when an onboarding changes the status, and keeps it across refreshes that do not', async () => {
    h = await startHarness({ database: database(), refreshed: true });
    const path = '/api/defender-apis/posture/api/default/wallet-api';
    const read = async () =>
      (await h.request.get(path).set('Authorization', asUser('paula'))).body;
    const before = await read();
    expect(before.status).toBe('notOnboarded');
    await h.runScheduledRefresh();
    expect((await read()).statusSince).toBe(before.statusSince);

    const onboard = await h.request
      .post(`${path}/onboard`)
      .set('Authorization', asUser('paula'));
    expect(onboard.status).toBe(202);
    const after = await read();
    expect(after.status).not.toBe('notOnboarded');
    expect(Date.parse(after.statusSince)).toBeGreaterThan(
      Date.parse(before.statusSince),
    );
  });

  it('shows a caller only the APIs the catalog shows them', async () => {
    h = await startHarness({
      database: database(),
      refreshed: true,
      hiddenFrom: { 'api:default/checkout-api': ['user:default/paula'] },
    });
    const [paula, carl] = await Promise.all(
      ['paula', 'carl'].map(user =>
        h.request
          .get('/api/defender-apis/history')
          .set('Authorization', asUser(user)),
      ),
    );
    expect(carl.body.days[0].total - paula.body.days[0].total).toBe(1);
    // checkout-api is at risk: hidden from paula, it leaves her count.
    expect(carl.body.days[0].atRisk - paula.body.days[0].atRisk).toBe(1);
    const hidden = await h.request
      .get('/api/defender-apis/history/api/default/checkout-api')
      .set('Authorization', asUser('paula'));
    expect(hidden.status).toBe(404);
    const anonymous = await h.request.get('/api/defender-apis/history');
    expect(anonymous.status).toBe(401);
  });
});

describe('posture history queries', () => {
  let h: PluginHarness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it.each([
    [
      { from: '2026-13-01' },
      'from: expected a day as YYYY-MM-DD (UTC), found "2026-13-01"',
    ],
    [
      { to: '2026-02-30' },
      'to: expected a day as YYYY-MM-DD (UTC), found "2026-02-30"',
    ],
    [
      { from: ['2026-01-01', '2026-01-02'] },
      'from: expected a day as YYYY-MM-DD',
    ],
    [
      { from: '2026-12-02', to: '2026-12-01' },
      'expected from on or before to, found from=2026-12-02 and to=2026-12-01',
    ],
    [{ status: 'fine' }, 'status: expected one of'],
  ])('answers 400 for %j, saying what was expected', async (query, message) => {
    const res = await h.request
      .get('/api/defender-apis/history')
      .query(query)
      .set('Authorization', asUser('paula'));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
  });
});
