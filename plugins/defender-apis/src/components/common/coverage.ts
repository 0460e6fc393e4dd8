/**
 * Coverage figures of the governance page, pure so they are tested without rendering. What
 * counts as onboarded and as applicable is decided once, by the backend with -common's
 * `ONBOARDED_STATUSES` and `OUT_OF_COVERAGE_STATUSES`; the page only reads `onboarded` and
 * `applicable` and divides them with `coverageRatio`.
 */
import {
  coverageRatio,
  PostureCounts,
} from '@defender-apis/plugin-defender-apis-common';

/**
 * A ratio as a whole percentage: `0.666` is `67%`. Never rounds up to 100% nor down to 0%
 * unless it is exact, so one uncovered API in a thousand still shows.
 */
export function formatPercent(ratio: number | undefined): string {
  if (ratio === undefined || Number.isNaN(ratio)) return '—';
  if (ratio >= 1) return '100%';
  if (ratio <= 0) return '0%';
  const percent = Math.min(99, Math.max(1, Math.round(ratio * 100)));
  return `${percent}%`;
}

/**
 * `2 of 3 applicable APIs onboarded`, the sentence behind a coverage figure; with APIs covered
 * by Defender CSPM posture only, it says how many are covered for posture too.
 */
export function coverageText(
  counts: Pick<PostureCounts, 'onboarded' | 'applicable' | 'postureCovered'>,
): string {
  const onboarded = `${counts.onboarded} of ${counts.applicable} applicable APIs onboarded`;
  const posture = counts.postureCovered ?? counts.onboarded;
  return posture > counts.onboarded
    ? `${onboarded}; ${posture} covered for posture with Defender CSPM`
    : onboarded;
}

/** One row of a coverage table: one owner's, system's or domain's APIs. */
export interface GroupCoverage {
  /** Entity ref of the owner, system or domain. */
  ref: string;
  total: number;
  protected: number;
  atRisk: number;
  /** Not onboarded, including APIs whose subscription has the plan off. */
  notOnboarded: number;
  /** APIs onboarded, as the backend counts them. */
  onboarded: number;
  /** APIs Defender for APIs applies to, as the backend counts them. */
  applicable: number;
  /** `onboarded / applicable`; absent when nothing applies. */
  ratio?: number;
}

/**
 * Worst first: lowest coverage, then most APIs left to onboard, then ref. Groups with nothing
 * applicable have no coverage to improve and come last.
 */
export function compareCoverage(a: GroupCoverage, b: GroupCoverage): number {
  if (a.ratio === undefined || b.ratio === undefined) {
    if (a.ratio !== b.ratio) return a.ratio === undefined ? 1 : -1;
  } else if (a.ratio !== b.ratio) {
    return a.ratio - b.ratio;
  }
  const uncovered = b.applicable - b.onboarded - (a.applicable - a.onboarded);
  if (uncovered !== 0) return uncovered;
  return a.ref.localeCompare(b.ref);
}

/** The coverage rows of a summary's per-owner, per-system or per-domain counts, worst first. */
export function coverageRows(
  byGroup: Record<string, PostureCounts>,
): GroupCoverage[] {
  return Object.entries(byGroup)
    .map(([ref, counts]) => {
      const ratio = coverageRatio(counts);
      return {
        ref,
        total: counts.total,
        protected: counts.byStatus.protected ?? 0,
        atRisk: counts.byStatus.atRisk ?? 0,
        notOnboarded:
          (counts.byStatus.notOnboarded ?? 0) +
          (counts.byStatus.planDisabled ?? 0),
        onboarded: counts.onboarded,
        applicable: counts.applicable,
        ...(ratio === undefined ? {} : { ratio }),
      };
    })
    .sort(compareCoverage);
}
