import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';
import { mockApiPosture } from '@defender-apis/plugin-defender-apis-common/testUtils';
import { onboardingEndedNotice, postureChangeNotices } from './postureNotices';

function posture(extra: Partial<ApiPosture> = {}): ApiPosture {
  return mockApiPosture('payments-api', 'protected', {
    endpoints: {
      total: 10,
      unauthenticated: 1,
      inactive: 0,
      external: 0,
      sensitiveDataExposed: 0,
    },
    ...extra,
  });
}

const highAlert = (id: string) => ({
  id,
  alertType: 'API_AccessFromSuspiciousIP',
  displayName: `Alert ${id}`,
  severity: 'high' as const,
  status: 'Active',
});

describe('postureChangeNotices', () => {
  it('tells of an API that became at risk, with its reason, once', () => {
    const atRisk = posture({ status: 'atRisk', reason: '2 endpoints exposed' });
    expect(postureChangeNotices(posture(), atRisk)).toEqual([
      expect.objectContaining({
        kind: 'atRisk',
        severity: 'high',
        title: 'payments-api is at risk',
        description: '2 endpoints exposed',
      }),
    ]);
    expect(postureChangeNotices(atRisk, atRisk)).toEqual([]);
  });

  it('tells of more unauthenticated or sensitive-data endpoints, not of fewer', () => {
    const more = posture({
      endpoints: {
        total: 10,
        unauthenticated: 3,
        inactive: 0,
        external: 0,
        sensitiveDataExposed: 2,
      },
    });
    expect(postureChangeNotices(posture(), more)).toEqual([
      expect.objectContaining({
        kind: 'riskyEndpoints',
        description:
          'Defender for APIs now counts unauthenticated endpoints 1 → 3 and sensitive-data endpoints 0 → 2.',
      }),
    ]);
    expect(postureChangeNotices(more, posture())).toEqual([]);
  });

  it('names only the high alerts it did not know, by id', () => {
    const withAlerts = (...ids: string[]) =>
      posture({
        alerts: {
          active: ids.length,
          bySeverity: { high: ids.length, medium: 0, low: 0, informational: 0 },
          items: ids.map(highAlert),
        },
      });
    const [notice] = postureChangeNotices(
      withAlerts('a'),
      withAlerts('a', 'b'),
    );
    expect(notice).toMatchObject({ kind: 'newHighAlert', severity: 'high' });
    expect(notice.description).toBe('Defender for APIs raised "Alert b".');
    expect(postureChangeNotices(withAlerts('a', 'b'), withAlerts('b'))).toEqual(
      [],
    );
  });

  it('says nothing of a contested API or one whose claim is pending', () => {
    const atRisk = posture({ status: 'atRisk' });
    expect(
      postureChangeNotices(posture({ status: 'conflict' }), atRisk),
    ).toEqual([]);
    expect(
      postureChangeNotices(posture(), { ...atRisk, claimPending: true }),
    ).toEqual([]);
  });
});

describe('onboardingEndedNotice', () => {
  it("gives a failure Azure's reason and the requester", () => {
    expect(
      onboardingEndedNotice({
        entityRef: 'api:default/wallet-api',
        requestedBy: 'user:default/paula',
        outcome: { state: 'failed', error: 'AuthorizationFailed: no role' },
      }),
    ).toEqual({
      entityRef: 'api:default/wallet-api',
      kind: 'onboarding',
      severity: 'high',
      title: 'Onboarding wallet-api to Defender for APIs failed',
      description: 'AuthorizationFailed: no role',
      alsoTo: ['user:default/paula'],
    });
  });
});
