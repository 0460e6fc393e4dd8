import { TestDatabaseId } from '@backstage/backend-test-utils';
import {
  createStore as createStoreOn,
  storeOn,
  onboarding,
  testDatabases,
} from '../__testUtils__/storeFixtures';
import { OFFBOARDING_LEASE_MS } from './OffboardingStore';

jest.setTimeout(60_000);

const databases = testDatabases('OffboardingStore');
const createStore = (id: TestDatabaseId) => createStoreOn(databases, id);

const claimOf = (apiId: string, requestedBy = 'user:default/paula') => ({
  apiKey: onboarding(apiId).apiKey,
  entityRef: `api:default/${apiId}`,
  requestedBy,
  requestedAt: new Date().toISOString(),
  factsReadAt: new Date().toISOString(),
});

describe.each(databases.eachSupportedId())(
  'OffboardingStore on %s',
  databaseId => {
    it('gives one of many concurrent claims the lease, and the next claim only once it finished', async () => {
      const { offboardings } = await createStore(databaseId);
      const leases = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          offboardings.claim(claimOf('pay', `user:default/u${i}`)),
        ),
      );
      const held = leases.filter(Boolean);
      expect(held).toHaveLength(1);
      expect(await offboardings.claim(claimOf('pay'))).toBeUndefined();

      expect(await offboardings.finish(held[0]!, { state: 'succeeded' })).toBe(
        true,
      );
      // A request that read the API before that success has nothing left to remove...
      const late = {
        ...claimOf('pay'),
        factsReadAt: new Date(Date.now() - 60_000).toISOString(),
      };
      expect(await offboardings.claim(late)).toBeUndefined();
      // ...one that read it after (the API was onboarded again since) may offboard again.
      await new Promise(resolve => setTimeout(resolve, 5));
      const again = await Promise.all(
        Array.from({ length: 5 }, () => offboardings.claim(claimOf('pay'))),
      );
      expect(again.filter(Boolean)).toHaveLength(1);
    });

    it('lets a request take over a claim whose lease ran out, and the old holder finish nothing', async () => {
      const knex = await databases.init(databaseId);
      const { offboardings } = await storeOn(knex);
      const first = (await offboardings.claim(claimOf('pay')))!;
      // Its replica stopped renewing: by the database's time the lease ran out.
      await knex('defender_apis_offboarding')
        .where({ api_key: first.apiKey })
        .update({ lease_until: Date.now() - OFFBOARDING_LEASE_MS });
      const second = await offboardings.claim(
        claimOf('pay', 'user:default/carl'),
      );
      expect(second).toBeDefined();
      expect(
        await offboardings.finish(first, { state: 'failed', error: 'late' }),
      ).toBe(false);
      expect(
        await offboardings.finish(second!, {
          state: 'failed',
          error: 'Azure answered 500',
        }),
      ).toBe(true);
      expect(await offboardings.get(first.apiKey)).toMatchObject({
        state: 'failed',
        requestedBy: 'user:default/carl',
        error: 'Azure answered 500',
      });
    });

    it("forgets the API's finished onboarding when it succeeds, but keeps one asked for since", async () => {
      const { offboardings, onboardingQueue } = await createStore(databaseId);
      // pay was onboarded by the plugin; its operation succeeded.
      await onboardingQueue.claimOnboarding(onboarding('pay'));
      const taken = (await onboardingQueue.takeNextOnboarding(1))!;
      await onboardingQueue.finishOnboarding(taken, { state: 'succeeded' });
      // wallet has an onboarding queued (asked for while its offboarding ran).
      await onboardingQueue.claimOnboarding(onboarding('wallet', 'svc-b'));

      for (const apiId of ['pay', 'wallet']) {
        const lease = (await offboardings.claim(claimOf(apiId)))!;
        await offboardings.finish(lease, { state: 'succeeded' });
      }
      expect(
        await onboardingQueue.getOnboarding(onboarding('pay').apiKey),
      ).toBeUndefined();
      expect(
        await onboardingQueue.getOnboarding(
          onboarding('wallet', 'svc-b').apiKey,
        ),
      ).toMatchObject({ state: 'queued' });
      expect(await offboardings.get(onboarding('pay').apiKey)).toMatchObject({
        state: 'succeeded',
        finishedAt: expect.any(String),
      });
    });

    it('stores the longest refs and errors the plugin writes', async () => {
      const { offboardings } = await createStore(databaseId);
      // Entity and user refs are bounded by the router (255); Azure's errors are not.
      const entityRef = `api:${'n'.repeat(63)}/${'a'.repeat(180)}`.slice(
        0,
        255,
      );
      const lease = (await offboardings.claim({
        ...claimOf('pay', `user:default/${'u'.repeat(240)}`),
        apiKey: `${onboarding('x').apiKey}${'k'.repeat(400)}`,
        entityRef,
      }))!;
      const error = `Azure answered 400: ${'é'.repeat(20_000)}`;
      expect(await offboardings.finish(lease, { state: 'failed', error })).toBe(
        true,
      );
      expect(await offboardings.get(lease.apiKey)).toMatchObject({
        entityRef,
        error,
      });
    });
  },
);
