import {
  EndpointCounts,
  MappingIssue,
  NotApplicableCause,
  OnboardingState,
  PlanInfo,
  PostureAlerts,
  PostureStatus,
} from './types';

/**
 * What is known about an API from the catalog and Azure, before a status is derived.
 *
 * @public
 */
export interface PostureFacts {
  /** Set when the entity could not be mapped to an APIM API. */
  mappingIssue?: { issue: MappingIssue; reason: string };
  /** Set when entities of other owners map to the same API; see `ApiPosture.conflictWith`. */
  conflict?: { reason: string };
  /** Set when Defender for APIs does not apply to the API. */
  notApplicable?: { cause: NotApplicableCause; reason: string };
  /** Set when Azure could not be read and nothing is known about the API. */
  readError?: string;
  /** Defender for APIs plan of the API's subscription, when it was read. */
  plan?: PlanInfo;
  /** The onboarding operation the backend runs or last ran. */
  onboarding?: OnboardingState;
  /** The API's collection when it is onboarded; absent when it is not. */
  collection?: { provisioningState?: string; endpoints: EndpointCounts };
  /** Security alerts mapped to the API. */
  alerts: PostureAlerts;
}

/** A derived status with its human reason. @public */
export interface DerivedStatus {
  /** The derived status. */
  status: PostureStatus;
  /** Present for every status but `protected`. */
  reason?: string;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function riskReasons(facts: PostureFacts): string[] {
  const { bySeverity } = facts.alerts;
  const reasons: string[] = [];
  for (const severity of ['high', 'medium', 'low'] as const) {
    if (bySeverity[severity] > 0) {
      reasons.push(
        `${plural(bySeverity[severity], `active ${severity}-severity alert`)}`,
      );
    }
  }
  const unauthenticated = facts.collection?.endpoints.unauthenticated ?? 0;
  if (unauthenticated > 0) {
    reasons.push(`${plural(unauthenticated, 'endpoint')} unauthenticated`);
  }
  return reasons;
}

const POSTURE_ONLY_REASON =
  'Posture findings from Defender CSPM; no threat detection without the Defender for APIs plan, which a subscription owner can turn on in Microsoft Defender for Cloud › Environment settings.';

const IN_PROGRESS_STATES = new Set([
  'inprogress',
  'accepted',
  'creating',
  'updating',
]);

/**
 * Derives the one status of an API from its facts. Pure; precedence, highest first:
 * unmapped, conflict, notApplicable, error, postureOnly (Defender for APIs plan off, Defender
 * CSPM's API posture on), planDisabled, onboarding, notOnboarded, awaitingData,
 * atRisk (active alerts above informational, or unauthenticated endpoints), protected.
 *
 * @public
 */
export function derivePostureStatus(facts: PostureFacts): DerivedStatus {
  if (facts.mappingIssue) {
    return { status: 'unmapped', reason: facts.mappingIssue.reason };
  }
  if (facts.conflict) {
    return { status: 'conflict', reason: facts.conflict.reason };
  }
  if (facts.notApplicable) {
    return { status: 'notApplicable', reason: facts.notApplicable.reason };
  }
  if (facts.readError) {
    return { status: 'error', reason: facts.readError };
  }
  if (facts.plan && !facts.plan.enabled && facts.plan.apiPosture) {
    return {
      status: 'postureOnly',
      reason: facts.collection
        ? POSTURE_ONLY_REASON
        : `${POSTURE_ONLY_REASON} Defender CSPM has not reported this API yet (it onboards APIs within a few hours of the extension being turned on).`,
    };
  }
  if (facts.plan && !facts.plan.enabled) {
    return {
      status: 'planDisabled',
      reason:
        'The Defender for APIs plan is off on this subscription; a subscription owner can turn it on in Microsoft Defender for Cloud › Environment settings.',
    };
  }
  const operation = facts.onboarding?.state;
  const provisioning = facts.collection?.provisioningState?.toLowerCase();
  if (
    operation === 'queued' ||
    operation === 'running' ||
    (provisioning && IN_PROGRESS_STATES.has(provisioning))
  ) {
    return {
      status: 'onboarding',
      reason: 'Onboarding to Defender for APIs is in progress.',
    };
  }
  if (!facts.collection) {
    const failure =
      operation === 'failed' && facts.onboarding?.error
        ? ` The last onboarding failed: ${facts.onboarding.error}`
        : '';
    return {
      status: 'notOnboarded',
      reason: `This API is not onboarded to Defender for APIs.${failure}`,
    };
  }
  if (facts.collection.endpoints.total === 0) {
    return {
      status: 'awaitingData',
      reason:
        'Onboarded; Defender for APIs has not reported endpoints yet (first insights take 30 to 50 minutes).',
    };
  }
  const risks = riskReasons(facts);
  if (risks.length > 0) {
    return { status: 'atRisk', reason: `${risks.join('; ')}.` };
  }
  return { status: 'protected' };
}
