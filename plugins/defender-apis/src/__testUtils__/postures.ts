import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_API_MANAGEMENT_API,
  ApiPosture,
  emptyAlerts,
  isApplicableStatus,
  isPostureCoveredStatus,
  isOnboardedStatus,
  OnboardingBatch,
  OnboardingBatchItem,
  POSTURE_STATUSES,
  PostureCounts,
  PostureStatus,
  PostureSummary,
} from '@defender-apis/plugin-defender-apis-common';
import { DefenderApisApi } from '../api';

const SUB = '00000000-0000-0000-0000-000000000001';

/** The API's ARM id in the fixtures. */
export const API_RESOURCE_ID = `/subscriptions/${SUB}/resourceGroups/rg-payments/providers/Microsoft.ApiManagement/service/contoso-apim/apis/petstore-api`;

/** An API entity, annotated unless `annotation` is null. */
export function apiEntity(
  annotation: string | null = 'contoso-apim/petstore-api',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: {
      name: 'petstore',
      namespace: 'default',
      ...(annotation === null
        ? {}
        : { annotations: { [ANNOTATION_API_MANAGEMENT_API]: annotation } }),
    },
    spec: {
      type: 'openapi',
      lifecycle: 'production',
      owner: 'group:default/team-payments',
    },
  };
}

/** Minutes before now, as ISO. */
export function minutesAgo(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString();
}

/** A protected, onboarded API; override fields per test. */
export function posture(overrides: Partial<ApiPosture> = {}): ApiPosture {
  return {
    entityRef: 'api:default/petstore',
    status: 'protected',
    owners: ['group:default/team-payments'],
    system: 'system:default/payments',
    lifecycle: 'production',
    api: {
      resourceId: API_RESOURCE_ID,
      subscriptionId: SUB,
      resourceGroup: 'rg-payments',
      serviceName: 'contoso-apim',
      apiId: 'petstore-api',
      displayName: 'Petstore API',
      portalUrl: `https://portal.azure.com/#resource${API_RESOURCE_ID}`,
    },
    plan: { enabled: true, subPlan: 'P1', subscriptionId: SUB },
    endpoints: {
      total: 14,
      unauthenticated: 0,
      inactive: 4,
      external: 1,
      sensitiveDataExposed: 3,
    },
    sensitivityLabel: 'Confidential',
    alerts: emptyAlerts(),
    recommendations: [],
    refreshedAt: minutesAgo(12),
    stale: false,
    ...overrides,
  };
}

/** A not-onboarded API: no collection, so no endpoint counts. */
export function notOnboardedPosture(
  overrides: Partial<ApiPosture> = {},
): ApiPosture {
  const {
    endpoints: _endpoints,
    sensitivityLabel: _label,
    ...rest
  } = posture();
  return {
    ...rest,
    status: 'notOnboarded',
    reason: 'This API is not onboarded to Defender for APIs.',
    ...overrides,
  };
}

/** A fake {@link DefenderApisApi} whose methods are jest mocks. */
export function fakeDefenderApi(
  answers: Partial<Record<keyof DefenderApisApi, jest.Mock>> = {},
): jest.Mocked<DefenderApisApi> {
  return {
    getPosture: answers.getPosture ?? jest.fn(),
    // The signed-in user may onboard unless a test says otherwise.
    getPostureAccess:
      answers.getPostureAccess ??
      jest.fn().mockResolvedValue({ canOnboard: true, canOffboard: true }),
    onboard: answers.onboard ?? jest.fn(),
    offboard: answers.offboard ?? jest.fn(),
    getEndpoints: answers.getEndpoints ?? jest.fn(),
    listPostures: answers.listPostures ?? jest.fn(),
    getSummary: answers.getSummary ?? jest.fn(),
    // No history unless a test says otherwise.
    getHistory:
      answers.getHistory ??
      jest.fn().mockResolvedValue({
        from: '2026-09-09',
        to: '2026-12-07',
        retentionDays: 90,
        days: [],
      }),
    getApiHistory: answers.getApiHistory ?? jest.fn(),
    onboardBatch: answers.onboardBatch ?? jest.fn(),
    getOnboardingBatch: answers.getOnboardingBatch ?? jest.fn(),
    cancelOnboardingBatch: answers.cancelOnboardingBatch ?? jest.fn(),
    // No shadow APIs unless a test says otherwise.
    listShadowApis:
      answers.listShadowApis ??
      jest.fn().mockResolvedValue({ items: [], totalItems: 0, limit: 0 }),
  } as jest.Mocked<DefenderApisApi>;
}

/** Counts by status, every status present, zero unless given. */
export function countsByStatus(
  byStatus: Partial<Record<PostureStatus, number>> = {},
): Record<PostureStatus, number> {
  return Object.fromEntries(
    POSTURE_STATUSES.map(status => [status, byStatus[status] ?? 0]),
  ) as Record<PostureStatus, number>;
}

/** A group's counts as the backend gives them: total, by status, onboarded and applicable. */
export function counts(
  byStatus: Partial<Record<PostureStatus, number>> = {},
): PostureCounts {
  const sum = (keep: (status: PostureStatus) => boolean) =>
    Object.entries(byStatus)
      .filter(([status]) => keep(status as PostureStatus))
      .reduce((total, [, n]) => total + (n ?? 0), 0);
  return {
    total: sum(() => true),
    byStatus,
    onboarded: sum(isOnboardedStatus),
    applicable: sum(isApplicableStatus),
    postureCovered: sum(isPostureCoveredStatus),
  };
}

/** Counts by status of each owner, system or domain of a summary. */
export type GroupStatusCounts = Record<
  string,
  Partial<Record<PostureStatus, number>>
>;

/** A summary as the backend gives it, from counts by status overall and per group. */
export function summary(
  byStatus: Partial<Record<PostureStatus, number>> = {},
  groups: {
    byOwner?: GroupStatusCounts;
    bySystem?: GroupStatusCounts;
    byDomain?: GroupStatusCounts;
  } = {},
): PostureSummary {
  const perGroup = (group: GroupStatusCounts = {}) =>
    Object.fromEntries(
      Object.entries(group).map(([ref, c]) => [ref, counts(c)]),
    );
  return {
    ...counts(byStatus),
    byStatus: countsByStatus(byStatus),
    byOwner: perGroup(groups.byOwner),
    bySystem: perGroup(groups.bySystem),
    byDomain: perGroup(groups.byDomain),
  };
}

/** An onboarding batch as the backend answers it; counts follow the items. */
export function onboardingBatch(
  items: OnboardingBatchItem[],
  overrides: Partial<OnboardingBatch> = {},
): OnboardingBatch {
  const state = (s: string) =>
    items.filter(i => i.operation?.state === s).length;
  return {
    id: '6f1c2a9e-0000-4000-8000-000000000001',
    requestedBy: 'user:default/jane',
    requestedAt: '2026-11-24T09:00:00.000Z',
    items,
    counts: {
      requested: items.length,
      refused: items.filter(i => i.outcome === 'refused').length,
      cancelled: items.filter(i => i.outcome === 'cancelled').length,
      pending: state('queued') + state('running'),
      succeeded: state('succeeded'),
      failed: state('failed'),
    },
    ...overrides,
  };
}
