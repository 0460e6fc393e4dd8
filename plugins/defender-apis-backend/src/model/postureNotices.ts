import { parseEntityRef } from '@backstage/catalog-model';
import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';

/** What a notice is about; each has its own switch under `defenderApis.notifications`. */
export type NoticeKind =
  | 'newHighAlert'
  | 'atRisk'
  | 'riskyEndpoints'
  | 'stale'
  | 'onboarding';

/** The kinds of notice, in the order the README lists them. */
export const NOTICE_KINDS: readonly NoticeKind[] = [
  'newHighAlert',
  'atRisk',
  'riskyEndpoints',
  'stale',
  'onboarding',
];

/** One thing the owners of an API should hear of, ready to send as a notification. */
export interface PostureNotice {
  /** The API entity the notice is about; its owners receive it. */
  entityRef: string;
  kind: NoticeKind;
  severity: 'critical' | 'high' | 'normal' | 'low';
  title: string;
  description: string;
  /** Users who receive it besides the owners (the requester of an onboarding). */
  alsoTo?: string[];
}

/** How a notice names the API: its title, or the entity's name. */
function nameOf(posture: Pick<ApiPosture, 'entityRef' | 'title'>): string {
  return posture.title ?? parseEntityRef(posture.entityRef).name;
}

/** Whether a posture's data can be compared: not contested, not hidden while its claim waits. */
function comparable(posture: ApiPosture): boolean {
  return posture.status !== 'conflict' && !posture.claimPending;
}

/**
 * What the owners should hear of when a read replaces `before` with `after`: new active
 * high-severity alerts, the API becoming at risk, more unauthenticated or sensitive-data
 * endpoints. Nothing for a contested API or one whose claim is pending (their data is not
 * shown), and nothing when either side lacks the data to compare.
 */
export function postureChangeNotices(
  before: ApiPosture,
  after: ApiPosture,
): PostureNotice[] {
  if (!comparable(before) || !comparable(after)) return [];
  const notices: PostureNotice[] = [];
  const name = nameOf(after);
  const known = new Set(before.alerts.items.map(alert => alert.id));
  const newHigh = after.alerts.items.filter(
    alert => alert.severity === 'high' && !known.has(alert.id),
  );
  if (newHigh.length > 0) {
    notices.push({
      entityRef: after.entityRef,
      kind: 'newHighAlert',
      severity: 'high',
      title: `New high-severity alert on ${name}`,
      description: `Defender for APIs raised ${newHigh
        .slice(0, 3)
        .map(alert => `"${alert.displayName}"`)
        .join(', ')}${
        newHigh.length > 3 ? ` and ${newHigh.length - 3} more` : ''
      }.`,
    });
  }
  if (after.status === 'atRisk' && before.status !== 'atRisk') {
    notices.push({
      entityRef: after.entityRef,
      kind: 'atRisk',
      severity: 'high',
      title: `${name} is at risk`,
      description: after.reason ?? 'Defender for APIs found it at risk.',
    });
  }
  const grew: string[] = [];
  const was = before.endpoints;
  const now = after.endpoints;
  if (was && now && now.unauthenticated > was.unauthenticated) {
    grew.push(
      `unauthenticated endpoints ${was.unauthenticated} → ${now.unauthenticated}`,
    );
  }
  if (was && now && now.sensitiveDataExposed > was.sensitiveDataExposed) {
    grew.push(
      `sensitive-data endpoints ${was.sensitiveDataExposed} → ${now.sensitiveDataExposed}`,
    );
  }
  if (grew.length > 0) {
    notices.push({
      entityRef: after.entityRef,
      kind: 'riskyEndpoints',
      severity: 'normal',
      title: `More risky endpoints on ${name}`,
      description: `Defender for APIs now counts ${grew.join(' and ')}.`,
    });
  }
  return notices;
}

/** The notice of an onboarding that ended, for its requester and the API's owners. */
export function onboardingEndedNotice(ended: {
  entityRef: string;
  title?: string;
  requestedBy?: string;
  outcome:
    | { state: 'succeeded' }
    | { state: 'failed'; error: string }
    | { state: 'cancelled'; reason: string };
}): PostureNotice {
  const name = nameOf(ended);
  const alsoTo = ended.requestedBy ? [ended.requestedBy] : undefined;
  if (ended.outcome.state === 'cancelled') {
    return {
      entityRef: ended.entityRef,
      kind: 'onboarding',
      severity: 'normal',
      title: `Onboarding ${name} to Defender for APIs was cancelled`,
      description: ended.outcome.reason,
      alsoTo,
    };
  }
  return ended.outcome.state === 'succeeded'
    ? {
        entityRef: ended.entityRef,
        kind: 'onboarding',
        severity: 'normal',
        title: `${name} is onboarded to Defender for APIs`,
        description:
          'Defender for APIs now protects it; its findings appear once Defender has analysed its traffic.',
        alsoTo,
      }
    : {
        entityRef: ended.entityRef,
        kind: 'onboarding',
        severity: 'high',
        title: `Onboarding ${name} to Defender for APIs failed`,
        description: ended.outcome.error,
        alsoTo,
      };
}

/**
 * The notice of an API whose data could not be read from Azure for longer than the owners
 * should rely on it: when it was last read, and why the reads fail.
 */
export function staleNotice(
  posture: ApiPosture,
  staleFor: string,
): PostureNotice {
  return {
    entityRef: posture.entityRef,
    kind: 'stale',
    severity: 'normal',
    title: `Defender for APIs data of ${nameOf(
      posture,
    )} is older than ${staleFor}`,
    description: `Last read from Azure at ${
      posture.refreshedAt ?? 'an unknown time'
    }; ${posture.staleReason ?? 'the reads since failed'}.`,
  };
}
