import { POSTURE_STATUSES, PostureStatus } from './types';

/** Statuses that mean the API is onboarded to Defender for APIs. @public */
export const ONBOARDED_STATUSES: readonly PostureStatus[] = [
  'protected',
  'atRisk',
  'awaitingData',
];

/**
 * Statuses left out of coverage altogether: an unmapped API cannot be judged, a
 * not-applicable one cannot be onboarded. APIs in `error` (unknown) stay in: nothing shows
 * they are covered.
 *
 * @public
 */
export const OUT_OF_COVERAGE_STATUSES: readonly PostureStatus[] = [
  'notApplicable',
  'unmapped',
];

/**
 * Statuses in the order they need attention: at risk first, protected and out of scope last.
 * Sorting by status follows it.
 *
 * @public
 */
export const STATUS_ATTENTION_ORDER: readonly PostureStatus[] = [
  'atRisk',
  'conflict',
  'error',
  'unmapped',
  'notOnboarded',
  'planDisabled',
  'postureOnly',
  'onboarding',
  'awaitingData',
  'protected',
  'notApplicable',
];

/**
 * Whether an API in this status is covered for posture: onboarded to Defender for APIs, or
 * covered by Defender CSPM's API posture without its threat detection (`postureOnly`).
 *
 * @public
 */
export function isPostureCoveredStatus(status: PostureStatus): boolean {
  return isOnboardedStatus(status) || status === 'postureOnly';
}

/**
 * The kind of coverage an API has: `threatProtection` (onboarded to Defender for APIs),
 * `postureOnly` (Defender CSPM's API posture without threat detection) or `none`.
 *
 * @public
 */
export type CoverageKind = 'threatProtection' | 'postureOnly' | 'none';

/** Every {@link CoverageKind}, as `GET /posture`'s `coverage` takes them. @public */
export const COVERAGE_KINDS: readonly CoverageKind[] = [
  'threatProtection',
  'postureOnly',
  'none',
];

/** The statuses of the given kinds of coverage, in {@link POSTURE_STATUSES} order. @public */
export function statusesOfCoverage(
  kinds: readonly CoverageKind[],
): PostureStatus[] {
  return POSTURE_STATUSES.filter(s => kinds.includes(coverageKindOf(s)));
}

/** The {@link CoverageKind} of an API in this status. @public */
export function coverageKindOf(status: PostureStatus): CoverageKind {
  if (isOnboardedStatus(status)) return 'threatProtection';
  return status === 'postureOnly' ? 'postureOnly' : 'none';
}

/** Whether an API in this status counts as onboarded (threat-protected). @public */
export function isOnboardedStatus(status: PostureStatus): boolean {
  return ONBOARDED_STATUSES.includes(status);
}

/** Whether an API in this status counts towards coverage. @public */
export function isApplicableStatus(status: PostureStatus): boolean {
  return !OUT_OF_COVERAGE_STATUSES.includes(status);
}

/**
 * Coverage of a group of APIs: onboarded of applicable, and their ratio between 0 and 1
 * (absent when nothing applies).
 *
 * @public
 */
export function coverageRatio(counts: {
  onboarded: number;
  applicable: number;
}): number | undefined {
  return counts.applicable > 0
    ? counts.onboarded / counts.applicable
    : undefined;
}
