import { derivePostureStatus, PostureFacts } from './status';
import { emptyAlerts, EndpointCounts, PostureStatus } from './types';
import {
  CoverageKind,
  coverageKindOf,
  isPostureCoveredStatus,
} from './coverage';

const endpoints = (over: Partial<EndpointCounts> = {}): EndpointCounts => ({
  total: 10,
  unauthenticated: 0,
  inactive: 0,
  external: 0,
  sensitiveDataExposed: 0,
  ...over,
});
const alerts = (
  severity: 'high' | 'medium' | 'low' | 'informational',
  count = 1,
) => {
  const a = emptyAlerts();
  a.bySeverity[severity] = count;
  a.active = count;
  return a;
};
const onPlan = { enabled: true, subPlan: 'P1' };
const base: PostureFacts = {
  plan: onPlan,
  collection: { provisioningState: 'Succeeded', endpoints: endpoints() },
  alerts: emptyAlerts(),
};

/** Matches a reason containing `part`, or its absence (protected APIs have none). */
function reasonContaining(part: string | undefined) {
  return part === undefined ? undefined : expect.stringContaining(part);
}

describe('derivePostureStatus', () => {
  it.each<[string, PostureFacts, string, string | undefined]>([
    ['protected', base, 'protected', undefined],
    [
      'informational alerts only',
      { ...base, alerts: alerts('informational') },
      'protected',
      undefined,
    ],
    [
      'inactive and sensitive endpoints alone',
      {
        ...base,
        collection: {
          endpoints: endpoints({ inactive: 4, sensitiveDataExposed: 2 }),
        },
      },
      'protected',
      undefined,
    ],
    [
      'entities of other owners map the same API, even one that is not applicable',
      {
        ...base,
        alerts: alerts('high'),
        conflict: { reason: 'Also mapped by api:default/other.' },
        notApplicable: { cause: 'revision', reason: 'a revision' },
      },
      'conflict',
      'api:default/other',
    ],
    [
      'an unmapped entity in a conflict',
      {
        ...base,
        mappingIssue: {
          issue: 'ownerNotAllowed',
          reason: 'not an allowed owner',
        },
        conflict: { reason: 'Also mapped by api:default/other.' },
      },
      'unmapped',
      'not an allowed owner',
    ],
    [
      'a high alert',
      { ...base, alerts: alerts('high') },
      'atRisk',
      '1 active high-severity alert.',
    ],
    [
      'two medium alerts',
      { ...base, alerts: alerts('medium', 2) },
      'atRisk',
      '2 active medium-severity alerts.',
    ],
    [
      'a low alert',
      { ...base, alerts: alerts('low') },
      'atRisk',
      '1 active low-severity alert.',
    ],
    [
      'unauthenticated endpoints and an alert',
      {
        ...base,
        alerts: alerts('high'),
        collection: { endpoints: endpoints({ unauthenticated: 2 }) },
      },
      'atRisk',
      '1 active high-severity alert; 2 endpoints unauthenticated.',
    ],
    [
      'one unauthenticated endpoint',
      { ...base, collection: { endpoints: endpoints({ unauthenticated: 1 }) } },
      'atRisk',
      '1 endpoint unauthenticated.',
    ],
    [
      'no endpoints yet',
      {
        ...base,
        collection: {
          provisioningState: 'Succeeded',
          endpoints: endpoints({ total: 0 }),
        },
      },
      'awaitingData',
      'first insights take 30 to 50 minutes',
    ],
    [
      'collection still provisioning',
      {
        ...base,
        collection: {
          provisioningState: 'InProgress',
          endpoints: endpoints({ total: 0 }),
        },
      },
      'onboarding',
      'in progress',
    ],
    [
      'onboarding queued here',
      { ...base, collection: undefined, onboarding: { state: 'queued' } },
      'onboarding',
      'in progress',
    ],
    [
      'onboarding running here',
      { ...base, collection: undefined, onboarding: { state: 'running' } },
      'onboarding',
      'in progress',
    ],
    [
      'not onboarded',
      { ...base, collection: undefined },
      'notOnboarded',
      'not onboarded',
    ],
    [
      'last onboarding failed',
      {
        ...base,
        collection: undefined,
        onboarding: { state: 'failed', error: 'APIM timed out' },
      },
      'notOnboarded',
      'The last onboarding failed: APIM timed out',
    ],
    [
      'plan off',
      { ...base, plan: { enabled: false } },
      'planDisabled',
      'plan is off',
    ],
    [
      'plan off, Defender CSPM API posture on, with findings',
      {
        ...base,
        plan: { enabled: false, apiPosture: true },
        alerts: alerts('high'),
      },
      'postureOnly',
      'Posture findings from Defender CSPM; no threat detection',
    ],
    [
      'plan off, Defender CSPM API posture on, not reported yet',
      {
        ...base,
        plan: { enabled: false, apiPosture: true },
        collection: undefined,
      },
      'postureOnly',
      'has not reported this API yet',
    ],
    [
      'plan on and Defender CSPM API posture on: threat protection',
      { ...base, plan: { enabled: true, apiPosture: true } },
      'protected',
      undefined,
    ],
    [
      'plan off wins over onboarding',
      { ...base, plan: { enabled: false }, onboarding: { state: 'running' } },
      'planDisabled',
      'plan is off',
    ],
    [
      'Azure unreadable',
      { ...base, readError: 'Azure answered 503' },
      'error',
      'Azure answered 503',
    ],
    [
      'not applicable',
      {
        ...base,
        notApplicable: {
          cause: 'apiType',
          reason: 'SOAP APIs are not supported',
        },
      },
      'notApplicable',
      'SOAP APIs are not supported',
    ],
    [
      'not applicable wins over a read error',
      {
        ...base,
        readError: 'x',
        notApplicable: { cause: 'revision', reason: 'rev' },
      },
      'notApplicable',
      'rev',
    ],
    [
      'unmapped wins over everything',
      {
        ...base,
        readError: 'x',
        mappingIssue: { issue: 'missingAnnotation', reason: 'no annotation' },
      },
      'unmapped',
      'no annotation',
    ],
  ])('%s', (_name, facts, status, reason) => {
    const derived = derivePostureStatus(facts);
    expect(derived.status).toBe(status);
    expect(derived.reason).toEqual(reasonContaining(reason));
  });
});

describe('coverageKindOf', () => {
  it.each<[PostureStatus, CoverageKind]>([
    ['protected', 'threatProtection'],
    ['atRisk', 'threatProtection'],
    ['awaitingData', 'threatProtection'],
    ['postureOnly', 'postureOnly'],
    ['planDisabled', 'none'],
    ['notOnboarded', 'none'],
    ['notApplicable', 'none'],
  ])('%s is %s', (status, kind) => {
    expect(coverageKindOf(status)).toBe(kind);
    expect(isPostureCoveredStatus(status)).toBe(kind !== 'none');
  });
});
