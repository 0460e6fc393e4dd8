import {
  alertOf,
  apiCollectionOf,
  apimApiOf,
  assessmentOf,
  attackPathOf,
} from './armListItems';

const SUB = '20ff7fc3-e762-44dd-bd96-b71116dcdc23';
const SERVICE = `/subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.ApiManagement/service/apim1`;

describe('ARM list items as ARM sends them', () => {
  it('reads an APIM API, its type from properties.type, and leaves out fields of the wrong type', () => {
    expect(
      apimApiOf({
        id: `${SERVICE}/apis/a1`,
        type: 'Microsoft.ApiManagement/service/apis',
        name: 'a1',
        properties: {
          displayName: 'api1',
          type: 'soap',
          isCurrent: false,
          path: 'api1',
        },
      }),
    ).toEqual({
      id: `${SERVICE}/apis/a1`,
      name: 'a1',
      displayName: 'api1',
      apiType: 'soap',
      isCurrent: false,
    });
    expect(
      apimApiOf({
        id: 7,
        name: 'a2',
        properties: { displayName: { html: '<b>' }, isCurrent: 'yes' },
      }),
    ).toEqual({ id: '', name: 'a2' });
    expect(apimApiOf(null)).toEqual({ id: '', name: '' });
  });

  it('keeps Defender for APIs alerts only, with a JavaScript time and Azure resource ids', () => {
    const alert = (properties: Record<string, unknown>) => ({
      id: `/subscriptions/${SUB}/providers/Microsoft.Security/locations/westeurope/alerts/2518`,
      name: '2518',
      properties,
    });
    expect(
      alertOf(
        alert({
          alertType: 'API_SuspiciousParameterAccess',
          alertDisplayName: 'Suspicious parameter',
          severity: 'High',
          status: 'Active',
          timeGeneratedUtc: '2020-02-23T13:47:58.0000000Z',
          alertUri: 'https://portal.azure.com/#blade/x',
          compromisedEntity: 'api1',
          resourceIdentifiers: [
            { type: 'AzureResource', azureResourceId: `${SERVICE}/apis/a1` },
            { type: 'LogAnalytics', workspaceId: 'w' },
            { type: 'AzureResource', azureResourceId: 42 },
            'not an identifier',
          ],
        }),
      ),
    ).toEqual({
      id: `/subscriptions/${SUB}/providers/Microsoft.Security/locations/westeurope/alerts/2518`,
      alertType: 'API_SuspiciousParameterAccess',
      displayName: 'Suspicious parameter',
      severity: 'High',
      status: 'Active',
      timeGenerated: '2020-02-23T13:47:58.000Z',
      url: 'https://portal.azure.com/#blade/x',
      compromisedEntity: 'api1',
      resourceIds: [`${SERVICE}/apis/a1`],
    });
    expect(
      alertOf(
        alert({
          alertType: 'API_X',
          timeGeneratedUtc: 'yesterday',
          resourceIdentifiers: 'none',
        }),
      ),
    ).toEqual({
      id: expect.stringContaining('/alerts/2518'),
      alertType: 'API_X',
      displayName: 'API_X',
      severity: 'Informational',
      status: 'Active',
      resourceIds: [],
    });
    expect(alertOf(alert({ alertType: 'VM_EICAR' }))).toBeUndefined();
    expect(alertOf(alert({ alertType: ['API_X'] }))).toBeUndefined();
    expect(alertOf({ name: 'no properties' })).toBeUndefined();
  });

  it('finds the assessed resource in either casing of resourceDetails, or in the id', () => {
    const assessment = (
      resourceId: string,
      properties: Record<string, unknown>,
    ) => ({
      id: `${resourceId}/providers/Microsoft.Security/assessments/k1`,
      name: 'k1',
      properties: {
        displayName: 'Turn on authentication',
        status: { code: 'Unhealthy' },
        ...properties,
      },
    });
    const api = `${SERVICE}/apis/a1`;
    const expected = {
      key: 'k1',
      displayName: 'Turn on authentication',
      resourceId: api,
      statusCode: 'Unhealthy',
    };
    expect(
      assessmentOf(
        assessment('/elsewhere', {
          resourceDetails: { Source: 'Azure', Id: api },
          links: { azurePortal: 'portal.azure.com/#blade/A' },
          metadata: { severity: 'Medium' },
        }),
        SUB,
      ),
    ).toEqual({
      ...expected,
      severity: 'Medium',
      url: 'https://portal.azure.com/#blade/A',
    });
    expect(
      assessmentOf(
        assessment('/elsewhere', {
          resourceDetails: { source: 'Azure', id: api },
          links: { azurePortalUri: 'https://portal.azure.com/#blade/B' },
        }),
        SUB,
      ),
    ).toEqual({ ...expected, url: 'https://portal.azure.com/#blade/B' });
    expect(
      assessmentOf(
        assessment(api, { resourceDetails: { source: 'OnPremise' } }),
        SUB,
      ),
    ).toEqual({
      ...expected,
      url: `https://portal.azure.com/#blade/Microsoft_Azure_Security/AssessmentBlade/assessmentKey/k1/subscriptionIds/${SUB}`,
    });
  });

  it('drops assessments of resources other than API Management', () => {
    expect(
      assessmentOf(
        {
          id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1/providers/Microsoft.Security/assessments/k2`,
          name: 'k2',
          properties: { status: { code: 'Healthy' } },
        },
        SUB,
      ),
    ).toBeUndefined();
    expect(assessmentOf('garbage', SUB)).toBeUndefined();
  });

  it('flattens an API collection as Resource Graph holds it, keeping only counts that are whole numbers', () => {
    const id =
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/svc/providers/Microsoft.Security/apiCollections/orders';
    expect(
      apiCollectionOf({
        id,
        name: 'orders',
        type: 'microsoft.security/apicollections',
        subscriptionId: 's',
        properties: {
          provisioningState: 'Succeeded',
          displayName: 'Orders',
          numberOfApiEndpoints: 12,
          numberOfUnauthenticatedApiEndpoints: '3',
          numberOfInactiveApiEndpoints: -1,
          numberOfExternalApiEndpoints: 1.5,
          numberOfApiEndpointsWithSensitiveDataExposed: 0,
          sensitivityLabel: { name: 'secret' },
        },
      }),
    ).toEqual({
      id,
      name: 'orders',
      provisioningState: 'Succeeded',
      displayName: 'Orders',
      numberOfApiEndpoints: 12,
      numberOfApiEndpointsWithSensitiveDataExposed: 0,
    });
    expect(apiCollectionOf({ name: 'no-id', properties: {} })).toBeUndefined();
    expect(apiCollectionOf('text')).toBeUndefined();
  });

  it('reads an attack path: entry point and target by internal id, Azure resources of its entities, bounded text', () => {
    const operation =
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/svc/apis/orders/operations/get';
    const path = attackPathOf({
      id: '/subscriptions/s/providers/Microsoft.Security/attackPaths/p1',
      name: 'p1',
      properties: {
        displayName: 'Internet exposed API reaches data',
        riskLevel: 'High',
        riskCategories: ['Exposure', 42, 'x'.repeat(2000)],
        entryPointEntityInternalID: 'a',
        targetEntityInternalID: 'c',
        graphComponent: {
          entities: [
            { entityInternalId: 'a', entityName: 'Internet' },
            {
              entityInternalId: 'b',
              entityName: 'GET /orders',
              entityIdentifiers: { azureResourceId: operation },
            },
            {
              entityInternalId: 'c',
              entityName: 'store',
              entityIdentifiers: { azureResourceId: { not: 'text' } },
            },
            'garbage',
          ],
        },
      },
    });
    expect(path).toEqual({
      id: '/subscriptions/s/providers/Microsoft.Security/attackPaths/p1',
      displayName: 'Internet exposed API reaches data',
      riskLevel: 'High',
      riskCategories: ['Exposure', 'x'.repeat(500)],
      entryPoint: 'Internet',
      target: 'store',
      resources: [{ name: 'GET /orders', resourceId: operation }],
    });
    expect(
      attackPathOf({ id: 'x', properties: { riskLevel: 'High' } }),
    ).toBeUndefined();
    expect(
      attackPathOf({ id: 'x', properties: { displayName: 'Untitled risk' } })
        ?.riskLevel,
    ).toBe('Unknown');
  });
});
