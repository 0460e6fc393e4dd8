import { parse } from 'yaml';
import {
  ShadowApi,
  shadowApiCatalogInfo,
  shadowApiEntity,
  shadowApiEntityName,
} from './shadowApis';

const ID =
  '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.ApiManagement/service/contoso-apim/apis/';

function api(apiId: string, extra: Partial<ShadowApi> = {}): ShadowApi {
  return {
    resourceId: `${ID}${apiId}`,
    subscriptionId: '11111111-1111-1111-1111-111111111111',
    resourceGroup: 'rg',
    serviceName: 'contoso-apim',
    apiId,
    onboarded: false,
    applicable: true,
    portalUrl: `https://portal.azure.com/#resource${ID}${apiId}`,
    readAt: '2026-12-07T09:00:00.000Z',
    ...extra,
  };
}

const ENTITY_NAME = /^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$/;

describe('shadowApiEntityName', () => {
  it('is {service}-{apiId} when that is a valid entity name', () => {
    expect(shadowApiEntityName(api('orders-api'))).toBe(
      'contoso-apim-orders-api',
    );
  });

  it('makes a valid name of up to 63 characters, different for APIs that clean alike', () => {
    const long = shadowApiEntityName(api(`a~b${'x'.repeat(200)}`));
    const tilde = shadowApiEntityName(api('orders~api'));
    const dash = shadowApiEntityName(api('orders-api'));
    for (const name of [long, tilde]) {
      expect(name).toMatch(ENTITY_NAME);
      expect(name.length).toBeLessThanOrEqual(63);
    }
    expect(tilde).not.toBe(dash);
  });
});

describe('shadowApiCatalogInfo', () => {
  it('is a catalog-info.yaml of kind API whose annotation is the API ARM id', () => {
    const yaml = parse(
      shadowApiCatalogInfo(
        api('graph-api', { displayName: 'Graph', apiType: 'graphql' }),
        'group:default/team-a',
      ),
    );
    expect(yaml).toEqual(
      shadowApiEntity(
        api('graph-api', { displayName: 'Graph', apiType: 'graphql' }),
        { owner: 'group:default/team-a' },
      ),
    );
    expect(yaml).toMatchObject({
      kind: 'API',
      metadata: {
        name: 'contoso-apim-graph-api',
        title: 'Graph',
        annotations: { 'azure.com/api-management-api': `${ID}graph-api` },
      },
      spec: { type: 'graphql', owner: 'group:default/team-a' },
    });
  });

  it('keeps hostile Azure text inside its values', () => {
    const displayName =
      'x"\nkind: Group\n  owner: evil # \u0085\u2028\u0000\u007f: {a: [b]} \'';
    const yaml = parse(
      shadowApiCatalogInfo(api('a', { displayName }), 'group:default/t'),
    );
    expect(yaml.kind).toBe('API');
    expect(yaml.metadata.title).toBe(displayName);
    expect(Object.keys(yaml).sort()).toEqual([
      'apiVersion',
      'kind',
      'metadata',
      'spec',
    ]);
  });
});
