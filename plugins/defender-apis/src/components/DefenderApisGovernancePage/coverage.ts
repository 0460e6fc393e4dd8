/**
 * Coverage arithmetic of the governance page, pure so it is tested without rendering.
 *
 * Coverage is the share of the APIs Defender for APIs applies to that are onboarded:
 * `protected + atRisk + awaitingData` over every API except `notApplicable` and `unmapped`
 * ones (an unmapped API cannot be judged, a not-applicable one cannot be onboarded). APIs in
 * `error` (unknown) stay in the denominator: nothing shows they are covered.
 */
import {
  PostureCounts,
  PostureStatus,
  PostureSummary,
} from '@defender-apis/plugin-defender-apis-common';

/** Statuses that mean the API is onboarded to Defender for APIs. */
export const COVERED_STATUSES: readonly PostureStatus[] = [
  'protected',
  'atRisk',
  'awaitingData',
];

/** Statuses left out of coverage altogether. */
export const EXCLUDED_STATUSES: readonly PostureStatus[] = [
  'notApplicable',
  'unmapped',
];

/** Coverage of one group of APIs. */
export interface Coverage {
  /** APIs onboarded (protected, at risk or awaiting data). */
  covered: number;
  /** APIs Defender for APIs applies to: all but not applicable and unmapped. */
  applicable: number;
  /** `covered / applicable` between 0 and 1; undefined when nothing applies. */
  ratio?: number;
}

function count(
  byStatus: Partial<Record<PostureStatus, number>>,
  statuses: readonly PostureStatus[],
): number {
  return statuses.reduce((sum, status) => sum + (byStatus[status] ?? 0), 0);
}

/** Coverage of a group of APIs from its counts by status. */
export function coverageOf(counts: PostureCounts): Coverage {
  const covered = count(counts.byStatus, COVERED_STATUSES);
  const applicable = Math.max(
    0,
    counts.total - count(counts.byStatus, EXCLUDED_STATUSES),
  );
  return {
    covered,
    applicable,
    ...(applicable > 0 ? { ratio: covered / applicable } : {}),
  };
}

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

/** One row of the per-owner coverage table. */
export interface OwnerCoverage extends Coverage {
  /** Owner entity ref, e.g. `group:default/team-payments`. */
  owner: string;
  total: number;
  protected: number;
  atRisk: number;
  /** Not onboarded, including APIs whose subscription has the plan off. */
  notOnboarded: number;
}

/**
 * Worst first: lowest coverage, then most APIs left to onboard, then owner ref. Owners with
 * nothing applicable have no coverage to improve and come last.
 */
export function compareOwnerCoverage(
  a: OwnerCoverage,
  b: OwnerCoverage,
): number {
  if (a.ratio === undefined || b.ratio === undefined) {
    if (a.ratio !== b.ratio) return a.ratio === undefined ? 1 : -1;
  } else if (a.ratio !== b.ratio) {
    return a.ratio - b.ratio;
  }
  const uncovered = b.applicable - b.covered - (a.applicable - a.covered);
  if (uncovered !== 0) return uncovered;
  return a.owner.localeCompare(b.owner);
}

/** The per-owner coverage rows of a summary, worst first. */
export function ownerCoverage(summary: PostureSummary): OwnerCoverage[] {
  return Object.entries(summary.byOwner)
    .map(([owner, counts]) => ({
      owner,
      total: counts.total,
      protected: counts.byStatus.protected ?? 0,
      atRisk: counts.byStatus.atRisk ?? 0,
      notOnboarded:
        (counts.byStatus.notOnboarded ?? 0) +
        (counts.byStatus.planDisabled ?? 0),
      ...coverageOf(counts),
    }))
    .sort(compareOwnerCoverage);
}
