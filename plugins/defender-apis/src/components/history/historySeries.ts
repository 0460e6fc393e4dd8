/**
 * What the history charts draw, computed apart from rendering so it is tested without a
 * browser: one point per day of the range, days without snapshots as gaps.
 */
import {
  HISTORY_DAY_PATTERN,
  historyDayOf,
  PostureHistoryDay,
} from '@defender-apis/plugin-defender-apis-common';
import { formatDay } from '../common/format';
import { formatPercent } from '../common/coverage';

/** One day of a chart; null values are days without snapshots, drawn as gaps. */
export interface HistoryPoint {
  day: string;
  /** The day as the axis says it, e.g. `12 Nov`. */
  label: string;
  /** Coverage in percent, 0 to 100. */
  coverage: number | null;
  atRisk: number | null;
  highAlerts: number | null;
}

const DAY_MS = 86_400_000;

function nextDay(day: string): string {
  return historyDayOf(Date.parse(`${day}T00:00:00Z`) + DAY_MS);
}

/**
 * The points from the first day with snapshots to the last day of the range: a young history
 * starts where it starts rather than after weeks of nothing.
 */
export function historyPoints(
  days: PostureHistoryDay[],
  to: string,
  now: number = Date.now(),
): HistoryPoint[] {
  if (days.length === 0 || !HISTORY_DAY_PATTERN.test(to)) return [];
  const byDay = new Map(days.map(d => [d.day, d]));
  const points: HistoryPoint[] = [];
  for (let day = days[0].day; day <= to; day = nextDay(day)) {
    const found = byDay.get(day);
    points.push({
      day,
      label: formatDay(day, now),
      coverage:
        found?.coverage === undefined
          ? null
          : Math.round(found.coverage * 1000) / 10,
      atRisk: found ? found.atRisk : null,
      highAlerts: found ? found.highAlerts : null,
    });
  }
  return points;
}

/**
 * The change the chart shows, in words, for readers who do not see it: coverage and at-risk
 * APIs on the first day with snapshots and on the last.
 */
export function historySentence(
  days: PostureHistoryDay[],
  now: number = Date.now(),
): string {
  if (days.length === 0) return '';
  const first = days[0];
  const last = days[days.length - 1];
  const coverage = (d: PostureHistoryDay) =>
    d.coverage === undefined ? 'none applicable' : formatPercent(d.coverage);
  if (days.length === 1) {
    return `History began on ${formatDay(first.day, now)}: coverage ${coverage(
      first,
    )}, ${first.atRisk} at risk.`;
  }
  return `Since ${formatDay(first.day, now)}: coverage ${coverage(
    first,
  )} → ${coverage(last)}, APIs at risk ${first.atRisk} → ${last.atRisk}.`;
}
