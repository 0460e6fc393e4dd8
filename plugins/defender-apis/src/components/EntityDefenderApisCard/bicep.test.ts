import { apiCollectionBicep } from './bicep';

const target = {
  subscriptionId: '00000000-0000-0000-0000-000000000001',
  resourceGroup: 'rg-payments',
  serviceName: 'contoso-apim',
  apiId: 'petstore-api',
};

describe('apiCollectionBicep', () => {
  it('declares the existing APIM service and the API collection scoped to it', () => {
    const bicep = apiCollectionBicep(target);
    const code = bicep
      .split('\n')
      .filter(line => !line.startsWith('//'))
      .join('\n')
      .trim();
    expect(code).toBe(
      [
        "resource apim 'Microsoft.ApiManagement/service@2022-08-01' existing = {",
        "  name: 'contoso-apim'",
        '}',
        '',
        "resource apiCollection 'Microsoft.Security/apiCollections@2023-11-15' = {",
        '  scope: apim',
        "  name: 'petstore-api'",
        '}',
      ].join('\n'),
    );
  });

  it('says in comments which subscription and resource group to deploy into', () => {
    const comments = apiCollectionBicep(target)
      .split('\n')
      .filter(line => line.startsWith('//'));
    expect(comments.join('\n')).toContain(
      'subscription 00000000-0000-0000-0000-000000000001, resource group rg-payments',
    );
    expect(comments.join('\n')).toContain(
      'az deployment group create --subscription 00000000-0000-0000-0000-000000000001 --resource-group rg-payments',
    );
  });

  it('escapes values so they cannot end the string literal or a comment line', () => {
    const bicep = apiCollectionBicep({
      ...target,
      apiId: "it's${x}",
      resourceGroup: 'rg\nresource evil',
    });
    expect(bicep).toContain("  name: 'it\\'s\\${x}'");
    expect(
      bicep.split('\n').filter(line => line.startsWith('resource')),
    ).toHaveLength(2);
  });
});
