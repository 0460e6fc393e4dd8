import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';
import { apiEntity, fullId, PAYMENTS } from '../__testUtils__/harness';
import { RunningOnboarding } from '../database/onboardingRows';
import { OnboardingRecheck } from './OnboardingRecheck';

const user = (name: string, groups: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { memberOf: groups },
  relations: groups.map(targetRef => ({ type: 'memberOf', targetRef })),
});

const wallet = apiEntity(
  'wallet-api',
  fullId(PAYMENTS, 'wallet-api'),
  'group:default/team-checkout',
);

const row = (extra: Partial<RunningOnboarding>): RunningOnboarding => ({
  apiKey: fullId(PAYMENTS, 'wallet-api').toLowerCase(),
  serviceKey: 'x',
  entityRef: 'api:default/wallet-api',
  target: {
    subscriptionId: PAYMENTS.subscriptionId,
    resourceGroup: PAYMENTS.resourceGroup,
    serviceName: PAYMENTS.name,
    apiId: 'wallet-api',
  },
  state: 'running',
  requestedBy: 'user:default/priya',
  requestedAt: '2026-12-08T00:00:00.000Z',
  leaseToken: 't',
  ...extra,
});

function recheckWith(entities: Entity[], status = 'notOnboarded') {
  const byRef = new Map(
    entities.map(e => [
      `${e.kind.toLowerCase()}:default/${e.metadata.name}`,
      e,
    ]),
  );
  return new OnboardingRecheck({
    auth: mockServices.auth(),
    catalog: { byRef: async ref => byRef.get(ref) },
    directory: { services: async () => [PAYMENTS] },
    postures: {
      getPosture: async () =>
        ({ status, reason: 'claimed by team-a too' } as ApiPosture),
    },
  });
}

describe('OnboardingRecheck', () => {
  const priya = user('priya', ['group:default/team-platform']);

  it('lets an operation run whose requester the policy allowed for every entity, owner or not', async () => {
    const recheck = recheckWith([wallet, priya]);
    await expect(
      recheck.refusal(row({ grantedBy: 'policy' })),
    ).resolves.toBeUndefined();
    // Queued before grants were recorded: decided again without ownership.
    await expect(recheck.refusal(row({}))).resolves.toBeUndefined();
    // As an owner, though, priya no longer qualifies.
    await expect(
      recheck.refusal(row({ grantedBy: 'ownership' })),
    ).resolves.toBe(
      'user:default/priya, who asked for it as an owner, no longer owns api:default/wallet-api.',
    );
  });

  it('counts ownership through the groups the user is a member of, in any case', async () => {
    const carl = user('carl', ['group:default/TEAM-CHECKOUT']);
    await expect(
      recheckWith([wallet, carl]).refusal(
        row({ requestedBy: 'user:default/carl', grantedBy: 'ownership' }),
      ),
    ).resolves.toBeUndefined();
  });

  it('refuses in conflict, and says so with the reason', async () => {
    await expect(
      recheckWith([wallet, priya], 'conflict').refusal(
        row({ grantedBy: 'policy' }),
      ),
    ).resolves.toBe(
      'api:default/wallet-api is in conflict now: claimed by team-a too',
    );
  });
});
