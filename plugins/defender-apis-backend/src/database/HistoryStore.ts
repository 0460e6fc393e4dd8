import {
  ApiPostureHistoryDay,
  CoverageKind,
  coverageRatio,
  historyDayOf,
  PostureHistoryDay,
  PostureStatus,
} from '@defender-apis/plugin-defender-apis-common';
import { Knex } from 'knex';
import {
  daysBefore,
  HistoryRange,
  ResolvedHistoryQuery,
} from '../model/historyQuery';
import { Visibility } from '../model/postureQuery';
import {
  addCounts,
  emptyCounts,
  filtered,
  POSTURE_TABLE,
} from './postureQueries';
import { NO_COUNT } from './postureRow';
import { chunksOf } from '../util/yieldToEventLoop';

export const HISTORY_TABLE = 'defender_apis_history';

/** Most days one read of closed days names. */
const MISSING_DAYS_PER_READ = 200;

/** Most entities whose snapshots are looked up by entity rather than read by day. */
const MAX_ENTITIES_LOOKED_UP = 2_000;

/** Entities per statement of a day's snapshot. */
const REFS_PER_RECORD = 1_000;

/** Entity refs per lookup statement (bound parameters). */
const REFS_PER_LOOKUP = 500;

/** Most snapshots one statement of a prune deletes. */
const PRUNE_CHUNK = 1_000;

/** Rows of several lookups, one per day and status. */
function mergedRows(rows: DayStatusRow[]): DayStatusRow[] {
  const byKey = new Map<string, DayStatusRow>();
  for (const row of rows) {
    const key = `${row.day}\u0000${row.status}`;
    const seen = byKey.get(key);
    if (seen) {
      seen.n = Number(seen.n) + Number(row.n);
      seen.high = Number(seen.high ?? 0) + Number(row.high ?? 0);
    } else byKey.set(key, { ...row });
  }
  return [...byKey.values()].sort((a, b) => a.day.localeCompare(b.day));
}

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

/**
 * {@link HistoryStore} in the plugin's database. The whole catalog's counts of days that can
 * no longer change are kept in memory once read: a chart of 90 days of 10,000 APIs then reads
 * two days of snapshots, not 900,000.
 */
export class KnexHistoryStore implements HistoryStore {
  /** Whole-catalog counts of closed days that have snapshots, by day. */
  private readonly closedDays = new Map<string, DayStatusRow[]>();

  constructor(
    private readonly knex: Knex,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async recordDay(day: string, recordedAt: string): Promise<number> {
    const refs: string[] = await this.snapshotSource()
      .orderBy('entity_ref')
      .pluck('entity_ref');
    let written = 0;
    // In ranges of entities, with a turn of the event loop between them.
    for await (const chunk of chunksOf(refs, REFS_PER_RECORD)) {
      written += await this.recordRange(
        day,
        recordedAt,
        chunk[0],
        chunk[chunk.length - 1],
      );
    }
    return written;
  }

  /** The posture rows a day's snapshot is taken of: composed, with their claim checked. */
  private snapshotSource(): Knex.QueryBuilder {
    return (
      this.knex(POSTURE_TABLE)
        .whereNotNull('status')
        // Rows not written since the snapshot columns came have no coverage yet: next time.
        .whereNotNull('coverage')
        .where('claim_pending', false)
    );
  }

  /** Writes the day's snapshots of the entities from `first` to `last` (by ref). */
  private async recordRange(
    day: string,
    recordedAt: string,
    first: string,
    last: string,
  ): Promise<number> {
    const { knex } = this;
    const values = SNAPSHOT_COLUMNS.map(([column]) => column);
    const source = this.snapshotSource()
      .select(
        'entity_ref',
        knex.raw('? as day', [day]),
        ...SNAPSHOT_COLUMNS.map(([column, whenNull]) =>
          knex.raw('coalesce(??, ?) as ??', [column, whenNull, column]),
        ),
        knex.raw('? as recorded_at', [recordedAt]),
      )
      .whereBetween('entity_ref', [first, last])
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
    for (const cached of [...this.closedDays.keys()])
      if (cached < day) this.closedDays.delete(cached);
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
    // The whole catalog's history keeps APIs that left it; a narrower one is of current APIs.
    const narrowed = picksEntities(query) || !visibility.all;
    const grouped = narrowed
      ? await this.selectionRows(query, () =>
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
        )
      : await this.wholeCatalogRows(query);
    const statuses = query.status && new Set<string>(query.status);
    const days = new Map<string, PostureHistoryDay>();
    for (const row of grouped) {
      if (statuses && !statuses.has(row.status)) continue;
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

  /** Snapshots of the range grouped by day and status, narrowed by `where`. */
  private async dayStatusRows(
    range: HistoryRange,
    where: (query: Knex.QueryBuilder) => void = () => {},
  ): Promise<DayStatusRow[]> {
    const rows = this.knex(HISTORY_TABLE)
      .select('day', 'status')
      .count({ n: '*' })
      .sum({ high: 'alerts_high' })
      .whereBetween('day', [range.from, range.to])
      .groupBy('day', 'status')
      .orderBy('day');
    where(rows);
    return (await rows) as unknown as DayStatusRow[];
  }

  /**
   * The rows of the range of the entities `selection` selects. A selection of a team or a
   * system (up to {@link MAX_ENTITIES_LOOKED_UP}) is looked up entity by entity, on the key's
   * first column: a database left to choose may rather read the whole range by day.
   */
  private async selectionRows(
    range: HistoryRange,
    selection: () => Knex.QueryBuilder,
  ): Promise<DayStatusRow[]> {
    const refs: string[] = await selection()
      .limit(MAX_ENTITIES_LOOKED_UP + 1)
      .pluck('entity_ref');
    if (refs.length > MAX_ENTITIES_LOOKED_UP)
      return this.dayStatusRows(range, q =>
        q.whereIn('entity_ref', selection()),
      );
    const rows: DayStatusRow[] = [];
    for await (const chunk of chunksOf(refs, REFS_PER_LOOKUP))
      rows.push(
        ...(await this.dayStatusRows(range, q =>
          q.whereIn('entity_ref', chunk),
        )),
      );
    return mergedRows(rows);
  }

  /**
   * The whole catalog's rows of the range: closed days (before yesterday, so that a replica
   * whose clock is a little behind cannot still be writing them) from memory, read once, and
   * the others from the snapshots.
   */
  private async wholeCatalogRows(range: HistoryRange): Promise<DayStatusRow[]> {
    const lastClosed = daysBefore(historyDayOf(this.now()), 2);
    const closedTo = range.to < lastClosed ? range.to : lastClosed;
    const missing: string[] = [];
    for (let day = range.from; day <= closedTo; day = daysBefore(day, -1)) {
      if (!this.closedDays.has(day)) missing.push(day);
    }
    for await (const days of chunksOf(missing, MISSING_DAYS_PER_READ)) {
      const rows = await this.dayStatusRows(
        { from: days[0], to: days[days.length - 1] },
        q => q.whereIn('day', days),
      );
      // Days without snapshots are not kept: a day written later (a restored backup) shows.
      for (const row of rows) {
        const kept = this.closedDays.get(row.day);
        if (kept) kept.push(row);
        else this.closedDays.set(row.day, [row]);
      }
    }
    const closed: DayStatusRow[] = [];
    for (let day = range.from; day <= closedTo; day = daysBefore(day, -1))
      closed.push(...(this.closedDays.get(day) ?? []));
    const openFrom = daysBefore(lastClosed, -1);
    const open =
      range.to >= openFrom
        ? await this.dayStatusRows({
            from: range.from > openFrom ? range.from : openFrom,
            to: range.to,
          })
        : [];
    return [...closed, ...open];
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
