import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogApis } from './CatalogApis';

function entity(
  kind: string,
  name: string,
  relations: Array<[string, string]>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default' },
    spec: {},
    relations: relations.map(([type, targetRef]) => ({ type, targetRef })),
  };
}

const entities = [
  entity('System', 'payments', [['partOf', 'domain:default/commerce']]),
  entity('System', 'shipping', [['partOf', 'domain:default/logistics']]),
  entity('API', 'pay-1', [
    ['partOf', 'system:default/payments'],
    ['ownedBy', 'group:default/team-payments'],
  ]),
  entity('API', 'pay-2', [
    ['partOf', 'system:default/payments'],
    ['ownedBy', 'group:default/team-checkout'],
  ]),
  entity('API', 'ship-1', [
    ['partOf', 'system:default/shipping'],
    ['ownedBy', 'group:default/team-payments'],
  ]),
  entity('API', 'loose', [['ownedBy', 'group:default/team-payments']]),
  entity('Component', 'not-an-api', [
    ['partOf', 'system:default/payments'],
    ['ownedBy', 'group:default/team-payments'],
  ]),
];

describe('CatalogApis.countApis', () => {
  const apis = new CatalogApis(catalogServiceMock({ entities }));
  const credentials = mockCredentials.service();

  it.each([
    [{}, 4],
    [{ owner: ['group:default/team-payments'] }, 3],
    [{ system: ['system:default/payments'] }, 2],
    [{ domain: ['domain:default/commerce'] }, 2],
    [{ domain: ['DOMAIN:default/Commerce'] }, 2],
    [
      {
        domain: ['domain:default/commerce'],
        owner: ['group:default/team-payments'],
      },
      1,
    ],
    // A system outside the domain asked for: nothing is in both.
    [
      {
        domain: ['domain:default/commerce'],
        system: ['system:default/shipping'],
      },
      0,
    ],
    [{ domain: ['domain:default/nowhere'] }, 0],
  ])('counts the API entities of scope %j: %i', async (scope, count) => {
    await expect(apis.countApis(scope, credentials)).resolves.toBe(count);
  });
});
