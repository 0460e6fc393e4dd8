import { RestError } from '@azure/core-rest-pipeline';
import { describeAzureError } from './describeAzureError';

describe('describeAzureError', () => {
  it('keeps what failed and why, and drops client, object and tenant ids', () => {
    const error = new RestError(
      "The client 'live.com#ops@contoso.com' with object id '0d2c7a4e-6b1f-4c55-9a3e-1f0e2d3c4b5a' does not have authorization to perform action 'Microsoft.Security/apiCollections/write' over scope '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg' or the scope is invalid. Tenant 'aaaabbbb-0000-1111-2222-333344445555', application id 7c1e0f2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b.",
      { statusCode: 403, code: 'AuthorizationFailed' },
    );
    const text = describeAzureError(error, 'the onboarding of wallet-api');
    expect(text).toContain(
      'answered 403 (AuthorizationFailed) for the onboarding of wallet-api',
    );
    expect(text).toContain(
      "perform action 'Microsoft.Security/apiCollections/write' over scope '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg'",
    );
    for (const secret of [
      'ops@contoso.com',
      '0d2c7a4e',
      'aaaabbbb',
      '7c1e0f2a',
    ])
      expect(text).not.toContain(secret);
    expect(text).toMatch(/The client '…' with object id '…'/);
  });

  it('leaves messages without such ids as they are', () => {
    const error = new RestError(
      'Rate limit exceeded for subscription 11111111-1111-1111-1111-111111111111.',
      { statusCode: 429, code: 'TooManyRequests' },
    );
    expect(describeAzureError(error, 'subscription x')).toBe(
      'Azure Resource Manager answered 429 (TooManyRequests) for subscription x: Rate limit exceeded for subscription 11111111-1111-1111-1111-111111111111.',
    );
  });

  it.each([
    [
      "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '7c1e0f2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b'.",
      "for a secret added to app '…'",
    ],
    [
      "The user, group or application 'appid=7c1e0f2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b;oid=0d2c7a4e-6b1f-4c55-9a3e-1f0e2d3c4b5a;iss=https://sts.windows.net/aaaabbbb-0000-1111-2222-333344445555/' does not have permission.",
      'does not have permission',
    ],
    [
      "AADSTS700016: Application with identifier '7c1e0f2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b' was not found in the directory 'ops@contoso.com'.",
      'was not found in the directory',
    ],
    [
      'ManagedIdentityCredential authentication failed: client_id=7c1e0f2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b, objectId: 0d2c7a4e-6b1f-4c55-9a3e-1f0e2d3c4b5a, principalId=0d2c7a4e-6b1f-4c55-9a3e-1f0e2d3c4b5a, tenantId=aaaabbbb-0000-1111-2222-333344445555.',
      'ManagedIdentityCredential authentication failed',
    ],
    [
      'Token issued by https://login.microsoftonline.com/aaaabbbb-0000-1111-2222-333344445555/v2.0 for user ops@contoso.com was refused.',
      'was refused',
    ],
  ])('drops principal ids in the form %#', (message, kept) => {
    const text = describeAzureError(
      new RestError(message, { statusCode: 401 }),
      'subscription x',
    );
    expect(text).toContain(kept);
    for (const id of ['7c1e0f2a', '0d2c7a4e', 'aaaabbbb', 'ops@contoso.com'])
      expect(text).not.toContain(id);
  });

  it('keeps the subscription of a scope and ids that name no one', () => {
    const message =
      "Scope '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg' is locked. Trace ID: 22222222-2222-2222-2222-222222222222.";
    expect(
      describeAzureError(
        new RestError(message, { statusCode: 409 }),
        'subscription x',
      ),
    ).toContain(message);
  });
});
