import { mockServices } from '@backstage/backend-test-utils';
import { ServiceDirectory } from './ServiceDirectory';

const SUB = '11111111-1111-1111-1111-111111111111';

function directory(listServices: jest.Mock) {
  return new ServiceDirectory({
    configured: [
      {
        name: 'payments',
        subscriptionId: SUB,
        resourceGroup: 'RG',
        allowedOwners: ['group:default/team-payments'],
      },
    ],
    subscriptions: [{ subscriptionId: SUB, tenantId: 'tenant-a' }],
    azure: { listServices },
    logger: mockServices.logger.mock(),
    listIntervalMs: 60_000,
  });
}

describe('ServiceDirectory', () => {
  it('adds the listed services a configured entry does not name, and lists once per interval', async () => {
    const listServices = jest.fn(async () => [
      // The configured one, listed in another casing: the configured entry's settings stay.
      {
        name: 'PAYMENTS',
        subscriptionId: SUB,
        resourceGroup: 'rg',
        tenantId: 'tenant-a',
      },
      {
        name: 'edge',
        subscriptionId: SUB,
        resourceGroup: 'rg',
        tenantId: 'tenant-a',
      },
    ]);
    const services = directory(listServices);
    const [first] = await Promise.all([
      services.services(),
      services.services(),
    ]);
    expect(first).toEqual([
      {
        name: 'payments',
        subscriptionId: SUB,
        resourceGroup: 'RG',
        allowedOwners: ['group:default/team-payments'],
      },
      {
        name: 'edge',
        subscriptionId: SUB,
        resourceGroup: 'rg',
        tenantId: 'tenant-a',
      },
    ]);
    await services.services();
    expect(listServices).toHaveBeenCalledTimes(1);
  });

  it('answers the configured services while a subscription has never been listed', async () => {
    const services = directory(
      jest.fn(async () => {
        throw new Error('AuthorizationFailed');
      }),
    );
    expect((await services.services()).map(s => s.name)).toEqual(['payments']);
  });
});
