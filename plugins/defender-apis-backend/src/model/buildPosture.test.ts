import { emptyAlerts } from '@defender-apis/plugin-defender-apis-common';
import {
  alertsForApi,
  composeApiPostures,
  composePosture,
  StoredPosture,
  unstorablePosture,
} from './buildPosture';

const API_ID =
  '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim/apis/pets';

function stored(
  name: string,
  owners: string[],
  extra: Partial<StoredPosture> = {},
): StoredPosture {
  return {
    entityRef: `api:default/${name}`,
    owners,
    title: `${name} title`,
    api: {
      resourceId: API_ID,
      subscriptionId: '11111111-1111-1111-1111-111111111111',
      resourceGroup: 'rg',
      serviceName: 'apim',
      apiId: 'pets',
      portalUrl: `https://portal.azure.com/#resource${API_ID}`,
    },
    collection: {
      endpoints: {
        total: 3,
        unauthenticated: 1,
        inactive: 0,
        external: 0,
        sensitiveDataExposed: 0,
      },
    },
    alerts: emptyAlerts(),
    recommendations: [],
    stale: false,
    refreshedAt: '2026-12-06T10:00:00.000Z',
    ...extra,
  };
}

describe('composeApiPostures', () => {
  it('puts entities of different owners naming one API in conflict with each other, without Azure facts', () => {
    const [a, b, c] = composeApiPostures([
      stored('a', ['group:default/one']),
      stored('b', ['group:default/two']),
      stored('c', ['group:default/ONE']),
    ]);
    expect(a.status).toBe('conflict');
    expect(a.conflictWith).toEqual(['api:default/b']);
    expect(a.endpoints).toBeUndefined();
    expect(b.conflictWith).toEqual(['api:default/a', 'api:default/c']);
    // Owners compare case-insensitively: a and c are one team.
    expect(c.conflictWith).toEqual(['api:default/b']);
  });

  it('leaves out entities whose mapping was refused: they claim nothing', () => {
    const [allowed, refused] = composeApiPostures([
      stored('allowed', ['group:default/one']),
      stored('refused', ['group:default/two'], {
        mappingIssue: { issue: 'ownerNotAllowed', reason: 'not allowed' },
      }),
    ]);
    expect(allowed.status).toBe('atRisk');
    expect(allowed.conflictWith).toBeUndefined();
    expect(refused.status).toBe('unmapped');
  });

  it('composes each posture with the onboarding state of the API', () => {
    const operation = {
      state: 'running' as const,
      requestedBy: 'user:default/paula',
      requestedAt: '2026-12-06T10:00:00.000Z',
    };
    const [only] = composeApiPostures(
      [stored('only', ['group:default/one'])],
      operation,
    );
    expect(only.status).toBe('onboarding');
    expect(only.onboarding).toEqual(operation);
  });
});

describe('unstorablePosture', () => {
  it('keeps the ref, owners and refresh time, drops the text that may have been refused, and composes as an error', () => {
    const refused = stored('long', ['group:default/one'], {
      title: 'x'.repeat(5000),
      system: 'system:default/s',
    });
    const kept = unstorablePosture(refused, 'value too long');
    expect(kept).toEqual({
      entityRef: 'api:default/long',
      owners: ['group:default/one'],
      alerts: emptyAlerts(),
      recommendations: [],
      stale: true,
      readError:
        'The posture of this entity could not be stored: value too long',
      refreshedAt: '2026-12-06T10:00:00.000Z',
    });
    expect(composePosture(kept).status).toBe('error');
  });
});

describe('alertsForApi', () => {
  const api = {
    resourceId: API_ID,
    collectionId: `${API_ID}/providers/Microsoft.Security/apiCollections/pets`,
    apiId: 'pets',
  };
  const alert = (id: string, status: string, timeGenerated?: string) => ({
    id,
    alertType: 'API_Test',
    displayName: id,
    severity: 'High',
    status,
    ...(timeGenerated ? { timeGenerated } : {}),
    resourceIds: [API_ID],
  });

  it('says when the oldest active alert was generated, whatever the order Azure lists them in', () => {
    const alerts = alertsForApi(
      [
        alert('a', 'Active', '2026-11-20T10:00:00Z'),
        alert('b', 'Active'),
        alert('c', 'Active', '2026-11-12T08:00:00Z'),
        alert('d', 'Resolved', '2026-10-01T08:00:00Z'),
        alert('e', 'Active', '2026-12-01T08:00:00Z'),
      ],
      api,
    );
    expect(alerts.active).toBe(4);
    expect(alerts.oldestGeneratedAt).toBe('2026-11-12T08:00:00Z');
    expect(
      alertsForApi([alert('b', 'Active')], api).oldestGeneratedAt,
    ).toBeUndefined();
  });
});
