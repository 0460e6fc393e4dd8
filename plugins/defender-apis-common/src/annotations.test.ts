import {
  apiCollectionResourceId,
  apiManagementApiResourceId,
  parseApiManagementAnnotation,
} from './annotations';

const SUB = '11111111-1111-1111-1111-111111111111';
const services = [
  {
    name: 'contoso-payments-apim',
    subscriptionId: SUB,
    resourceGroup: 'rg-payments',
  },
  { name: 'twin', subscriptionId: SUB, resourceGroup: 'rg-a' },
  {
    name: 'twin',
    subscriptionId: '22222222-2222-2222-2222-222222222222',
    resourceGroup: 'rg-b',
  },
];
const full = (api: string, svc = 'contoso-payments-apim') =>
  `/subscriptions/${SUB}/resourceGroups/rg-payments/providers/Microsoft.ApiManagement/service/${svc}/apis/${api}`;

describe('parseApiManagementAnnotation', () => {
  it.each([
    [
      'full id',
      full('payments-api'),
      {
        serviceName: 'contoso-payments-apim',
        apiId: 'payments-api',
        resourceGroup: 'rg-payments',
      },
    ],
    [
      'full id, other casing of literals',
      full('payments-api')
        .replace('resourceGroups', 'RESOURCEGROUPS')
        .replace('Microsoft.ApiManagement', 'microsoft.apimanagement'),
      { apiId: 'payments-api' },
    ],
    [
      'short form',
      'contoso-payments-apim/checkout-api',
      {
        subscriptionId: SUB,
        resourceGroup: 'rg-payments',
        apiId: 'checkout-api',
      },
    ],
    [
      'short form, service name in other case',
      'CONTOSO-payments-apim/checkout-api',
      { serviceName: 'contoso-payments-apim' },
    ],
    [
      'surrounding whitespace',
      `  ${full('payments-api')}\n`,
      { apiId: 'payments-api' },
    ],
    [
      'revision',
      full('payments-api;rev=2'),
      { apiId: 'payments-api;rev=2', revision: 2 },
    ],
    [
      'workspace',
      `/subscriptions/${SUB}/resourceGroups/rg-payments/providers/Microsoft.ApiManagement/service/contoso-payments-apim/workspaces/partners/apis/partner-api`,
      { workspace: 'partners', apiId: 'partner-api' },
    ],
  ])('parses %s', (_name, value, expected) => {
    const result = parseApiManagementAnnotation(value, services);
    expect(result).toEqual({
      ok: true,
      ref: expect.objectContaining(expected),
    });
  });

  it.each([
    ['empty', '', 'the value is empty'],
    ['whitespace only', '   ', 'the value is empty'],
    ['one segment', 'payments-api', 'exactly one "/"'],
    ['three segments', 'a/b/c', 'found 2'],
    [
      'extra slash in full id',
      `${full('payments-api')}/`,
      'expected 10 path segments',
    ],
    [
      'doubled slash',
      full('payments-api').replace('/apis/', '//apis/'),
      'path segments',
    ],
    [
      'wrong provider',
      full('x').replace('Microsoft.ApiManagement', 'Microsoft.Web'),
      'should be "Microsoft.ApiManagement"',
    ],
    [
      'subscription not a guid',
      full('x').replace(SUB, 'not-a-guid'),
      'is not a subscription id',
    ],
    ['dot-dot api id', full('..'), 'is not a valid API id'],
    ['query string', full('payments-api?api-version=1'), 'not allowed'],
    ['fragment', 'svc/api#x', 'not allowed'],
    ['percent-encoding', full('payments%2Fapi'), 'not allowed'],
    ['backslash', 'svc\\api/x', 'not allowed'],
    ['bad revision', full('payments-api;rev=x'), ';rev=2'],
    [
      'unicode api id',
      'contoso-payments-apim/zahlungs-äpi',
      'is not a valid API id',
    ],
    ['very long', `a/${'b'.repeat(2000)}`, 'longer than 1024'],
    [
      'bad service name',
      '-svc/api',
      'is not a valid API Management service name',
    ],
  ])(
    'rejects %s with the expected format and the reason',
    (_name, value, why) => {
      const result = parseApiManagementAnnotation(value, services);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.issue).toBe('malformedAnnotation');
      expect(result.reason).toContain('{serviceName}/{apiId}');
      expect(result.reason).toContain(why);
    },
  );

  it('reports a short form naming an unconfigured service with the configured ones', () => {
    const result = parseApiManagementAnnotation('unknown-apim/api', services);
    expect(result).toEqual({
      ok: false,
      issue: 'unknownService',
      reason: expect.stringContaining(
        'configured: contoso-payments-apim, twin, twin',
      ),
    });
  });

  it('asks for the full id when a short-form service name is ambiguous', () => {
    const result = parseApiManagementAnnotation('twin/api', services);
    expect(result).toEqual({
      ok: false,
      issue: 'unknownService',
      reason: expect.stringContaining('Use the full ARM id'),
    });
  });
});

describe('resource ids', () => {
  it('builds the API and collection ids from a parsed reference', () => {
    const parsed = parseApiManagementAnnotation(
      'contoso-payments-apim/checkout-api',
      services,
    );
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(apiManagementApiResourceId(parsed.ref)).toBe(full('checkout-api'));
    expect(apiCollectionResourceId(parsed.ref)).toBe(
      `/subscriptions/${SUB}/resourceGroups/rg-payments/providers/Microsoft.ApiManagement/service/contoso-payments-apim/providers/Microsoft.Security/apiCollections/checkout-api`,
    );
  });
});
