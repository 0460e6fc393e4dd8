import {
  ApiPostureHistoryDay,
  CoverageKind,
  coverageRatio,
  PostureHistoryDay,
  PostureStatus,
} from '@defender-apis/plugin-defender-apis-common';
import { Knex } from 'knex';
import { HistoryRange, ResolvedHistoryQuery } from '../model/historyQuery';
import { Visibility } from '../model/postureQuery';
import {
  addCounts,
  emptyCounts,
  filtered,
  POSTURE_TABLE,
} from './postureQueries';
import { NO_COUNT } from './postureRow';

export const HISTORY_TABLE = 'defender_apis_history';

/** Most snapshots one statement of a prune deletes. */
const PRUNE_CHUNK = 1_000;

/**
 * What a snapshot holds, each taken from the posture column of the same name (null columns of
 * rows written before they existed count as none).
 */
const SNAPSHOT_COLUMNS: Array<[column: string, whenNull: string | number]> = [
  ['status', ''],
  ['coverage', ''],
  ['plan', ''],
  ['endpoints_total', NO_COUNT],
  ['unauthenticated', NO_COUNT],
  ['sensitive_data', NO_COUNT],
  ['alerts_active', 0],
  ['alerts_high', 0],
  ['alerts_medium', 0],
  ['alerts_low', 0],
  ['alerts_informational', 0],
  ['owners_key', ''],
  ['system', ''],
  ['domain', ''],
  ['lifecycle', ''],
];

/** Posture over time: one snapshot per API entity and UTC day, the day's last. */
export interface HistoryStore {
  /**
   * Writes the day's snapshot of every stored posture whose claim is checked, as the posture
   * table holds it now; a snapshot already written that day is replaced only when it differs.
   * Returns how many snapshots were written.
   */
  recordDay(day: string, recordedAt: string): Promise<number>;
  /** Deletes the snapshots of days before `day`, in chunks; returns how many. */
  pruneBefore(day: string): Promise<number>;
  /** Per day of the range, the counts of the snapshots of the query the caller may see. */
  catalogHistory(
    query: ResolvedHistoryQuery,
    visibility: Visibility,
  ): Promise<PostureHistoryDay[]>;
  /** One entity's snapshots in the range, oldest first. */
  apiHistory(
    entityRef: string,
    range: HistoryRange,
  ): Promise<ApiPostureHistoryDay[]>;
}

/** One group of a day's snapshots: how many had the status, and their high alerts. */
type DayStatusRow = {
  day: string;
  status: PostureStatus;
  n: number | string;
  high: number | string | null;
};

/** Whether a query picks APIs by what the catalog says of them now. */
function picksEntities(query: ResolvedHistoryQuery): boolean {
  return Boolean(
    query.owner?.length ||
      query.system?.length ||
      query.domain?.length ||
      query.lifecycle?.length ||
      query.q,
  );
}

/** {@link HistoryStore} in the plugin's database. */
export class KnexHistoryStore implements HistoryStore {
  constructor(private readonly knex: Knex) {}

  async recordDay(day: string, recordedAt: string): Promise<number> {
    const { knex } = this;
    const values = SNAPSHOT_COLUMNS.map(([column]) => column);
    const source = knex(POSTURE_TABLE)
      .select(
        'entity_ref',
        knex.raw('? as day', [day]),
        ...SNAPSHOT_COLUMNS.map(([column, whenNull]) =>
          knex.raw('coalesce(??, ?) as ??', [column, whenNull, column]),
        ),
        knex.raw('? as recorded_at', [recordedAt]),
      )
      .whereNotNull('status')
      // Rows not written since the snapshot columns came have no coverage yet: next time.
      .whereNotNull('coverage')
      .where('claim_pending', false)
      // One order for every writer, so that two replicas' statements lock rows alike.
      .orderBy('entity_ref')
      .toSQL();
    const columns = ['entity_ref', 'day', ...values, 'recorded_at'];
    const set = [...values, 'recorded_at']
      .map(() => '?? = excluded.??')
      .join(', ');
    const differs = values.map(() => '??.?? <> excluded.??').join(' or ');
    const sql = [
      `insert into ?? (${columns.map(() => '??').join(', ')})`,
      source.sql,
      'on conflict (entity_ref, day) do update set',
      set,
      `where ${differs}`,
    ].join(' ');
    const result = await knex.raw(sql, [
      HISTORY_TABLE,
      ...columns,
      ...source.bindings,
      ...[...values, 'recorded_at'].flatMap(c => [c, c]),
      ...values.flatMap(c => [HISTORY_TABLE, c, c]),
    ]);
    return affectedRows(result);
  }

  async pruneBefore(day: string): Promise<number> {
    const days: Array<{ day: string }> = await this.knex(HISTORY_TABLE)
      .distinct('day')
      .where('day', '<', day)
      .orderBy('day');
    let pruned = 0;
    for (const { day: old } of days) {
      for (;;) {
        const refs = await this.knex(HISTORY_TABLE)
          .where({ day: old })
          .limit(PRUNE_CHUNK)
          .pluck('entity_ref');
        if (refs.length === 0) break;
        pruned += await this.knex(HISTORY_TABLE)
          .where({ day: old })
          .whereIn('entity_ref', refs)
          .delete();
      }
    }
    return pruned;
  }

  async catalogHistory(
    query: ResolvedHistoryQuery,
    visibility: Visibility,
  ): Promise<PostureHistoryDay[]> {
    const { knex } = this;
    const rows = knex(HISTORY_TABLE)
      .select('day', 'status')
      .count({ n: '*' })
      .sum({ high: 'alerts_high' })
      .whereBetween('day', [query.from, query.to])
      .groupBy('day', 'status')
      .orderBy('day');
    if (query.status) rows.whereIn('status', query.status);
    // The whole catalog's history keeps APIs that left it; a narrower one is of current APIs.
    if (picksEntities(query) || !visibility.all) {
      rows.whereIn(
        'entity_ref',
        filtered(
          knex,
          {
            owner: query.owner,
            system: query.system,
            domain: query.domain,
            lifecycle: query.lifecycle,
            q: query.q,
          },
          visibility,
        ).select('entity_ref'),
      );
    }
    const grouped = (await rows) as unknown as DayStatusRow[];
    const days = new Map<string, PostureHistoryDay>();
    for (const row of grouped) {
      let day = days.get(row.day);
      if (!day) {
        day = { day: row.day, ...emptyCounts(), atRisk: 0, highAlerts: 0 };
        days.set(row.day, day);
      }
      addCounts(day, row.status, Number(row.n));
      day.highAlerts += Number(row.high ?? 0);
    }
    return [...days.values()].map(day => {
      const coverage = coverageRatio(day);
      return {
        ...day,
        atRisk: day.byStatus.atRisk ?? 0,
        ...(coverage === undefined ? {} : { coverage }),
      };
    });
  }

  async apiHistory(
    entityRef: string,
    range: HistoryRange,
  ): Promise<ApiPostureHistoryDay[]> {
    const rows: Array<{
      day: string;
      status: PostureStatus;
      coverage: CoverageKind;
      unauthenticated: number;
      sensitive_data: number;
      alerts_active: number;
      alerts_high: number;
    }> = await this.knex(HISTORY_TABLE)
      .select(
        'day',
        'status',
        'coverage',
        'unauthenticated',
        'sensitive_data',
        'alerts_active',
        'alerts_high',
      )
      .where({ entity_ref: entityRef })
      .whereBetween('day', [range.from, range.to])
      .orderBy('day');
    const count = (n: number) => (n === NO_COUNT ? undefined : Number(n));
    return rows.map(row => ({
      day: row.day,
      status: row.status,
      coverage: row.coverage,
      ...definedCount('unauthenticated', count(row.unauthenticated)),
      ...definedCount('sensitiveData', count(row.sensitive_data)),
      activeAlerts: Number(row.alerts_active),
      highAlerts: Number(row.alerts_high),
    }));
  }
}

function definedCount<K extends string>(
  key: K,
  value: number | undefined,
): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

/** Rows an `insert … select` wrote, as each database's driver tells it. */
function affectedRows(result: unknown): number {
  // PostgreSQL's driver answers a result with `rowCount`; SQLite's `run` answers `changes`.
  const r = result as { rowCount?: number; changes?: number } | undefined;
  return Number(r?.rowCount ?? r?.changes ?? 0);
}
