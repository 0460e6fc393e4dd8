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
});
