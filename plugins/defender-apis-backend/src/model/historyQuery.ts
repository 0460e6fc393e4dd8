import { InputError } from '@backstage/errors';
import {
  HISTORY_DAY_PATTERN,
  historyDayOf,
  PostureListQuery,
  PostureStatus,
} from '@defender-apis/plugin-defender-apis-common';

const DAY_MS = 86_400_000;

/** Days from `from` to `to`, both UTC `YYYY-MM-DD` and included. */
export interface HistoryRange {
  from: string;
  to: string;
}

/**
 * What `GET /history` charts, validated: the entity filters of the list, the statuses its
 * `status` and `coverage` select (see `selectedStatuses`), and the range.
 */
export type ResolvedHistoryQuery = Pick<
  PostureListQuery,
  'owner' | 'system' | 'domain' | 'lifecycle' | 'q'
> & { status?: PostureStatus[] } & HistoryRange;

/** The day `days` days before (or after, when negative) `day`. */
export function daysBefore(day: string, days: number): string {
  return historyDayOf(Date.parse(`${day}T00:00:00Z`) - days * DAY_MS);
}

function dayParam(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  const valid =
    typeof value === 'string' &&
    HISTORY_DAY_PATTERN.test(value) &&
    !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
    historyDayOf(`${value}T00:00:00Z`) === value;
  if (!valid) {
    throw new InputError(
      `Invalid query parameter ${name}: expected a day as YYYY-MM-DD (UTC), found ${JSON.stringify(
        value,
      ).slice(0, 100)}`,
    );
  }
  return value as string;
}

/**
 * The range of a history query from its `from` and `to` parameters: by default the days
 * history keeps, up to today. A range must not end before it starts; it is not cut to what
 * history keeps (older days are simply empty).
 */
export function historyRangeFrom(
  query: Record<string, unknown>,
  today: string,
  retentionDays: number,
): HistoryRange {
  const to = dayParam(query.to, 'to') ?? today;
  const from =
    dayParam(query.from, 'from') ?? daysBefore(to, retentionDays - 1);
  if (from > to) {
    throw new InputError(
      `Invalid query parameters from and to: expected from on or before to, found from=${from} and to=${to}`,
    );
  }
  return { from, to };
}
