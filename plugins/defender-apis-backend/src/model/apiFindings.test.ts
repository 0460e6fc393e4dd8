import { MAX_ENDPOINT_FINDINGS } from '@defender-apis/plugin-defender-apis-common';
import { findingKindOf, findingsOfApi, operationIdOf } from './apiFindings';
import { AzureAssessment } from './azureResources';

const API =
  '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim/apis/checkout-api';
const AUTH = '91af2040-7874-4659-abf0-578e1f8d07dc';

function assessment(
  key: string,
  resourceId: string,
  extra: Partial<AzureAssessment> = {},
): AzureAssessment {
  return {
    key,
    displayName: `Recommendation ${key}`,
    resourceId,
    statusCode: 'Unhealthy',
    ...extra,
  };
}

describe('findingsOfApi', () => {
  it('shows every unhealthy assessment on the API or its operations, whatever its key, with the endpoints it is on', () => {
    const findings = findingsOfApi(
      [
        assessment(AUTH, `${API}/operations/create-order`, {
          displayName:
            'API endpoints in Azure API Management should be authenticated',
          severity: 'High',
          remediation: 'Require a subscription key or a JWT.',
        }),
        // The same key on another operation, with the id in another case.
        assessment(AUTH, `${API.toUpperCase()}/OPERATIONS/get-status`),
        // A key nobody knows yet (Microsoft re-keys recommendations): shown all the same.
        assessment('0d6e5c2a-new-key', API, {
          displayName: 'A recommendation released next year',
          description: 'Something new.',
        }),
        assessment('0d6e5c2a-new-key', `${API}/operations/create-order`),
        // Healthy, another API, and not below an operation: none of them.
        assessment('healthy', `${API}/operations/x`, { statusCode: 'Healthy' }),
        assessment('other', `${API}-v2/operations/create-order`),
        assessment('deeper', `${API}/operations/create-order/policies/p`),
      ],
      API,
    );

    expect(findings.recommendations).toEqual([
      {
        key: AUTH,
        displayName:
          'API endpoints in Azure API Management should be authenticated',
        resourceId: `${API}/operations/create-order`,
        affectedResources: 2,
        severity: 'High',
        remediation: 'Require a subscription key or a JWT.',
        endpoints: ['create-order', 'get-status'],
      },
      {
        key: '0d6e5c2a-new-key',
        displayName: 'A recommendation released next year',
        resourceId: API,
        affectedResources: 2,
        description: 'Something new.',
        onApi: true,
        endpoints: ['create-order'],
      },
    ]);
    expect(findings.endpointFindings).toEqual([
      {
        operationId: 'create-order',
        findings: ['unauthenticated'],
        recommendationKeys: ['0d6e5c2a-new-key', AUTH],
      },
      {
        operationId: 'get-status',
        findings: ['unauthenticated'],
        recommendationKeys: [AUTH],
      },
    ]);
    expect(findings.endpointFindingsTotal).toBe(2);
  });

  it('lists at most MAX_ENDPOINT_FINDINGS endpoints and counts them all', () => {
    const many = Array.from({ length: MAX_ENDPOINT_FINDINGS + 50 }, (_, i) =>
      assessment(AUTH, `${API}/operations/op-${String(i).padStart(4, '0')}`),
    );
    const findings = findingsOfApi(many, API);
    expect(findings.endpointFindings).toHaveLength(MAX_ENDPOINT_FINDINGS);
    expect(findings.endpointFindingsTotal).toBe(MAX_ENDPOINT_FINDINGS + 50);
    expect(findings.recommendations[0].endpoints).toHaveLength(
      MAX_ENDPOINT_FINDINGS,
    );
    expect(findings.recommendations[0].affectedResources).toBe(
      MAX_ENDPOINT_FINDINGS + 50,
    );
  });
});

describe('findingKindOf', () => {
  it('knows kinds by key, else by the words of the title, else none', () => {
    expect(findingKindOf({ key: AUTH.toUpperCase(), displayName: 'x' })).toBe(
      'unauthenticated',
    );
    expect(
      findingKindOf({
        key: 'new',
        displayName: 'Inactive API endpoints should be removed',
      }),
    ).toBe('unused');
    expect(
      findingKindOf({
        key: 'new',
        displayName: 'Endpoints exposing sensitive data should be reviewed',
      }),
    ).toBe('sensitiveData');
    expect(
      findingKindOf({
        key: 'new',
        displayName: 'API Management minimum API version should be set',
      }),
    ).toBeUndefined();
  });
});

describe('operationIdOf', () => {
  it('takes only an operation right below the API, of a sane length', () => {
    expect(operationIdOf(`${API}/operations/a`, API)).toBe('a');
    expect(operationIdOf(API, API)).toBeUndefined();
    expect(operationIdOf(`${API}/operations/`, API)).toBeUndefined();
    expect(
      operationIdOf(`${API}/operations/${'o'.repeat(300)}`, API),
    ).toBeUndefined();
  });
});
