import { CoverageKind } from './coverage';
import { PostureCounts, PostureListQuery, PostureStatus } from './types';

/**
 * What `GET /history` charts: the APIs of the list's filters (owner, system, domain, lifecycle
 * and search pick APIs as the catalog has them now; `status` and `coverage` pick, day by day,
 * the APIs that were in those statuses that day), over the days from `from` to `to`.
 *
 * @public
 */
export type PostureHistoryQuery = Pick<
  PostureListQuery,
  'owner' | 'system' | 'domain' | 'lifecycle' | 'status' | 'coverage' | 'q'
> & {
  /** First day (UTC, `YYYY-MM-DD`); the oldest day history keeps when absent. */
  from?: string;
  /** Last day (UTC, `YYYY-MM-DD`); today when absent. */
  to?: string;
};

/**
 * One day of the catalog's posture history: the counts of the day's snapshots (the last one
 * each API had that day).
 *
 * @public
 */
export interface PostureHistoryDay extends PostureCounts {
  /** The day, UTC, `YYYY-MM-DD`. */
  day: string;
  /** Coverage of the day: onboarded of applicable, between 0 and 1; absent when nothing applies. */
  coverage?: number;
  /** APIs at risk that day. */
  atRisk: number;
  /** Active high-severity alerts of the day's APIs, summed. */
  highAlerts: number;
}

/**
 * The answer of `GET /history`: a day for each day in the range that has snapshots, oldest
 * first. Days without any (before the first refresh, or while no backend ran) are left out.
 *
 * @public
 */
export interface PostureHistory {
  /** First day of the range, UTC, `YYYY-MM-DD`. */
  from: string;
  /** Last day of the range, UTC, `YYYY-MM-DD`. */
  to: string;
  /** How many days history keeps (`defenderApis.history.days`). */
  retentionDays: number;
  /** The days that have snapshots, oldest first; empty on a new install. */
  days: PostureHistoryDay[];
}

/**
 * One day of one API's history.
 *
 * @public
 */
export interface ApiPostureHistoryDay {
  /** The day, UTC, `YYYY-MM-DD`. */
  day: string;
  /** The API's status that day (its last one that day). */
  status: PostureStatus;
  /** The API's coverage kind that day. */
  coverage: CoverageKind;
  /** Endpoints without authentication; absent when Defender had no endpoint data. */
  unauthenticated?: number;
  /** Endpoints exposing sensitive data; absent when Defender had no endpoint data. */
  sensitiveData?: number;
  /** Active alerts that day. */
  activeAlerts: number;
  /** Active high-severity alerts that day. */
  highAlerts: number;
}

/**
 * The answer of `GET /history/:kind/:namespace/:name`: one API's days, oldest first, and since
 * when it has its current status.
 *
 * @public
 */
export interface ApiPostureHistory {
  /** The API entity's ref. */
  entityRef: string;
  /** The API's current status. */
  status: PostureStatus;
  /** ISO time the API took its current status (see `ApiPosture.statusSince`), when known. */
  statusSince?: string;
  /** First day of the range, UTC, `YYYY-MM-DD`. */
  from: string;
  /** Last day of the range, UTC, `YYYY-MM-DD`. */
  to: string;
  /** The days that have a snapshot of the API, oldest first. */
  days: ApiPostureHistoryDay[];
}

/** The form of a day in history queries and answers: UTC `YYYY-MM-DD`. @public */
export const HISTORY_DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** The UTC day (`YYYY-MM-DD`) of a time. @public */
export function historyDayOf(time: Date | string | number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** Whole days from one time to another (0 when `to` is not after `from`). @public */
export function wholeDaysBetween(
  from: Date | string | number,
  to: Date | string | number,
): number {
  const ms = new Date(to).getTime() - new Date(from).getTime();
  return ms > 0 ? Math.floor(ms / 86_400_000) : 0;
}
