import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { EntityProviderMutation } from '@backstage/plugin-catalog-node';
import {
  ApiPosture,
  DefenderApisApi,
  ShadowApi,
} from '@defender-apis/plugin-defender-apis-common';
import { mockApiPosture } from '@defender-apis/plugin-defender-apis-common/testUtils';
import {
  providedEntityName,
  ShadowApiEntityProvider,
} from './ShadowApiEntityProvider';

const SERVICE =
  '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.ApiManagement/service/contoso-apim';

function shadow(apiId: string, serviceName = 'contoso-apim'): ShadowApi {
  const resourceId = `${SERVICE.replace(
    'contoso-apim',
    serviceName,
  )}/apis/${apiId}`;
  return {
    resourceId,
    subscriptionId: '11111111-1111-1111-1111-111111111111',
    resourceGroup: 'rg',
    serviceName,
    apiId,
    displayName: `${apiId} display`,
    onboarded: false,
    applicable: true,
    portalUrl: `https://portal.azure.com/#resource${resourceId}`,
    readAt: '2026-12-07T09:00:00.000Z',
  };
}

/** The posture the backend lists for an entity the provider registered for `api`. */
function postureOfProvided(api: ShadowApi, status: ApiPosture['status']) {
  const base = mockApiPosture(providedEntityName(api), status);
  return {
    ...base,
    api: {
      resourceId: api.resourceId,
      subscriptionId: api.subscriptionId,
      resourceGroup: api.resourceGroup,
      serviceName: api.serviceName,
      apiId: api.apiId,
      displayName: api.displayName,
      portalUrl: api.portalUrl,
    },
  };
}

function setup(options: {
  shadowPages: ShadowApi[][];
  postures?: ApiPosture[];
}) {
  const listShadowApis = jest.fn(async (query: { cursor?: string }) => {
    const index = query.cursor ? Number(query.cursor) : 0;
    return {
      items: options.shadowPages[index],
      totalItems: options.shadowPages.flat().length,
      limit: 500,
      ...(index + 1 < options.shadowPages.length
        ? { nextCursor: String(index + 1) }
        : {}),
    };
  });
  const listPostures = jest.fn(async () => ({
    items: options.postures ?? [],
    totalItems: options.postures?.length ?? 0,
    limit: 500,
    pending: 0,
    complete: true,
  }));
  const mutations: EntityProviderMutation[] = [];
  const provider = new ShadowApiEntityProvider({
    settings: {
      services: ['contoso-apim'],
      owner: 'group:default/platform',
      lifecycle: 'experimental',
      namespace: 'default',
      frequency: { minutes: 30 },
    },
    auth: mockServices.auth(),
    discovery: mockServices.discovery(),
    logger: mockServices.logger.mock(),
    scheduler: mockServices.scheduler.mock(),
    client: { listShadowApis, listPostures } as unknown as DefenderApisApi,
  });
  return {
    provider,
    listShadowApis,
    listPostures,
    mutations,
    connect: () =>
      provider.connect({
        applyMutation: async m => {
          mutations.push(m);
        },
        refresh: async () => {},
      }),
  };
}

const entitiesOf = (mutation: EntityProviderMutation): Entity[] =>
  mutation.type === 'full' ? mutation.entities.map(e => e.entity) : [];

describe('ShadowApiEntityProvider', () => {
  it('registers every page of the shadow APIs of the chosen services as API entities of the owner', async () => {
    const t = setup({ shadowPages: [[shadow('orders-api')], [shadow('a~b')]] });
    await t.connect();
    await t.provider.run();

    expect(t.listShadowApis).toHaveBeenCalledWith(
      expect.objectContaining({ service: ['contoso-apim'], limit: 500 }),
      expect.objectContaining({ token: expect.any(String) }),
    );
    expect(t.listPostures).toHaveBeenCalledWith(
      expect.objectContaining({ owner: ['group:default/platform'] }),
      expect.anything(),
    );
    const entities = entitiesOf(t.mutations[0]);
    expect(entities.map(e => e.metadata.name)).toEqual([
      'shadow-contoso-apim-orders-api',
      expect.stringMatching(/^shadow-contoso-apim-a-b-[0-9a-f]{8}$/),
    ]);
    expect(entities[0]).toMatchObject({
      kind: 'API',
      metadata: {
        namespace: 'default',
        title: 'orders-api display',
        annotations: {
          'azure.com/api-management-api': shadow('orders-api').resourceId,
          'backstage.io/managed-by-location':
            'defender-apis:defender-apis-shadow-apis',
          'backstage.io/managed-by-origin-location':
            'defender-apis:defender-apis-shadow-apis',
        },
      },
      spec: { owner: 'group:default/platform', lifecycle: 'experimental' },
    });
  });

  it('keeps the entities it registered that claim their API alone, and drops those in conflict or unmapped', async () => {
    const alone = shadow('alone-api');
    const contested = shadow('contested-api');
    const gone = shadow('gone-api');
    const t = setup({
      shadowPages: [[shadow('new-api')]],
      postures: [
        postureOfProvided(alone, 'protected'),
        postureOfProvided(contested, 'conflict'),
        postureOfProvided(gone, 'unmapped'),
        // The owner's own entity for an API, not named as the provider names its entities.
        {
          ...postureOfProvided(shadow('team-api'), 'atRisk'),
          entityRef: 'api:default/team-api',
        },
        // An API of a service the provider was not asked for.
        postureOfProvided(shadow('other-api', 'other-apim'), 'protected'),
      ],
    });
    await t.connect();
    await t.provider.run();
    expect(
      entitiesOf(t.mutations[0])
        .map(e => e.metadata.name)
        .sort(),
    ).toEqual(['shadow-contoso-apim-alone-api', 'shadow-contoso-apim-new-api']);
  });

  it('refuses to run before the catalog connects it', async () => {
    const t = setup({ shadowPages: [[]] });
    await expect(t.provider.run()).rejects.toThrow('not connected');
  });

  it('stops reading pages when the backend repeats a cursor', async () => {
    const t = setup({ shadowPages: [[shadow('a-api')], [shadow('b-api')]] });
    t.listShadowApis.mockImplementation(async () => ({
      items: [shadow('a-api')],
      totalItems: 1,
      limit: 500,
      nextCursor: 'same',
    }));
    await t.connect();
    await t.provider.run();
    expect(t.listShadowApis).toHaveBeenCalledTimes(2);
    expect(entitiesOf(t.mutations[0])).toHaveLength(1);
  });
});
