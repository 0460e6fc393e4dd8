import { SubscriptionBulkReads } from './SubscriptionBulkReads';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { apiEntity } from '../__testUtils__/harness';
import { storeOn, testDatabases } from '../__testUtils__/storeFixtures';
import { DefenderAzureApi } from '../azure/DefenderAzureClient';
import { ApiCollection } from '../model/azureResources';
import { ConfiguredService } from '../model/configuredService';
import { PostureRefresher } from './PostureRefresher';
import { ServiceBulkReads } from './ServiceBulkReads';

jest.setTimeout(60_000);

const databases = testDatabases('PostureRefresher');
const SUB = '11111111-1111-1111-1111-111111111111';
const SERVICE: ConfiguredService = {
  name: 'svc',
  subscriptionId: SUB,
  resourceGroup: 'rg',
};
const apiId = (name: string) =>
  `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ApiManagement/service/svc/apis/${name}`;

/** An API entity of team-a mapped to `svc`'s API of its name. */
const api = (name: string) =>
  apiEntity(name, `svc/${name}`, 'group:default/team-a');

/** Azure as the refresher reads it, counting the calls; `fail` makes the subscription read fail. */
function fakeAzure(state: { fail?: boolean }) {
  const calls: string[] = [];
  const collection = (name: string): ApiCollection => ({
    id: `${apiId(name)}/providers/Microsoft.Security/apiCollections/${name}`,
    name,
    provisioningState: 'Succeeded',
    numberOfApiEndpoints: 4,
    numberOfUnauthenticatedApiEndpoints: 0,
  });
  const azure: Partial<DefenderAzureApi> = {
    readSubscription: async subscriptionId => {
      calls.push('subscription');
      if (state.fail) throw new Error('ARM answered 503');
      return {
        subscriptionId,
        plan: { enabled: true, subPlan: 'P1' },
        alerts: [],
        assessments: [],
      };
    },
    listCollections: async () => {
      calls.push('collections');
      return [collection('orders')];
    },
    readService: async service => {
      calls.push('service');
      return {
        service,
        apis: ['orders', 'carts', 'users'].map(name => ({
          id: apiId(name),
          name,
        })),
      };
    },
    readRequestsLast30Days: async () => {
      calls.push('requests');
      return 1000;
    },
  };
  return { azure: azure as DefenderAzureApi, calls };
}

async function* pages(...batches: Entity[][]) {
  yield* batches;
}

describe.each(databases.eachSupportedId())('PostureRefresher on %s', id => {
  async function refresherOn(azure: DefenderAzureApi) {
    const stores = await storeOn(await databases.init(id));
    const refresher = new PostureRefresher({
      directory: { services: async () => [SERVICE] },
      azure,
      store: stores.postures,
      logger: mockServices.logger.mock(),
      refreshIntervalMs: 30 * 60 * 1000,
      planEntitlements: { P1: 1_000_000 },
      subscriptionReads: new SubscriptionBulkReads(
        azure,
        'arm',
        mockServices.logger.mock(),
      ),
      serviceBulkReads: new ServiceBulkReads({
        azure,
        store: stores.serviceReads,
        maxReads: 20,
      }),
    });
    return { refresher, postures: stores.postures };
  }

  it('reads each subscription and service once for any number of APIs, and stores every posture', async () => {
    const state = {};
    const { azure, calls } = fakeAzure(state);
    const { refresher, postures } = await refresherOn(azure);
    const summary = await refresher.refresh(
      pages([api('orders'), api('carts')], [api('users')]),
      { prune: true },
    );
    expect(summary).toEqual(
      expect.objectContaining({
        entities: 3,
        subscriptionsRead: 1,
        servicesRead: 1,
        failedReads: 0,
        posturesFailed: 0,
      }),
    );
    expect(calls.filter(c => c !== 'requests').sort()).toEqual([
      'collections',
      'service',
      'subscription',
    ]);
    expect((await postures.getApiPosture('api:default/orders'))?.status).toBe(
      'protected',
    );
    expect((await postures.getApiPosture('api:default/carts'))?.status).toBe(
      'notOnboarded',
    );
  });

  it('keeps the last good facts, marked stale with the reason, when Azure fails; prunes entities that left', async () => {
    const state = { fail: false };
    const { azure } = fakeAzure(state);
    const { refresher, postures } = await refresherOn(azure);
    await refresher.refresh(pages([api('orders'), api('carts')]), {
      prune: true,
    });
    state.fail = true;
    const summary = await refresher.refresh(pages([api('orders')]), {
      prune: true,
    });
    expect(summary.failedReads).toBe(1);
    const orders = await postures.getApiPosture('api:default/orders');
    expect(orders).toEqual(
      expect.objectContaining({
        status: 'protected',
        stale: true,
        staleReason: expect.stringContaining('ARM answered 503'),
      }),
    );
    expect(await postures.getApiPosture('api:default/carts')).toBeUndefined();
  });

  it('keeps stored postures when the catalog answers no API at all', async () => {
    const { azure } = fakeAzure({});
    const { refresher, postures } = await refresherOn(azure);
    await refresher.refresh(pages([api('orders')]), { prune: true });
    await refresher.refresh(pages([]), { prune: true });
    expect(await postures.getApiPosture('api:default/orders')).toBeDefined();
  });
});
