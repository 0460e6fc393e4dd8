/**
 * Reliability of the onboarding queue (docs/reliability.md, "Onboarding queue"): fair among
 * services, bounded per user, and exact between replicas: a running operation is owned by the
 * claim that took it, and replicas never run more operations of a service than allowed.
 */
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex, knex as createKnex } from 'knex';
import {
  createStore as createStoreOn,
  onboarding,
  POSTGRES_IDS,
  storeOn,
  testDatabases,
} from '../__testUtils__/storeFixtures';
import { DefenderApisStores } from './createStores';
import { RunningOnboarding } from './onboardingRows';

jest.setTimeout(120_000);

const databases = testDatabases('Onboarding queue');
const createStore = (id: TestDatabaseId) => createStoreOn(databases, id);
const ONBOARDING = 'defender_apis_onboarding';

/** Makes the lease of a running operation run out, as when its replica stopped renewing it. */
async function expireLease(knex: Knex, apiKey: string) {
  await knex(ONBOARDING)
    .where({ api_key: apiKey })
    .update({ lease_until: Date.now() - 1_000 });
}

describe.each(databases.eachSupportedId())(
  'Onboarding queue on %s',
  databaseId => {
    it('keeps to the per-service limit and the lease between replicas whose clocks differ by two minutes', async () => {
      const knex = await databases.init(databaseId);
      const [a, b] = [await storeOn(knex), await storeOn(knex)];
      await a.onboardingQueue.claimOnboarding(onboarding('first'));
      await a.onboardingQueue.claimOnboarding(onboarding('second'));
      const running = await a.onboardingQueue.takeNextOnboarding(1);
      expect(running?.apiKey).toBe(onboarding('first').apiKey);
      // Replica b's clock is two minutes (and a second) ahead: by its own time the lease of a's
      // running operation (two minutes) has run out.
      const realNow = Date.now.bind(Date);
      const ahead = jest
        .spyOn(Date, 'now')
        .mockImplementation(() => realNow() + 121_000);
      try {
        expect(await b.onboardingQueue.takeNextOnboarding(1)).toBeUndefined();
        // A batch operation paced at an hour waits by the database's time too.
        await b.onboardingQueue.claimOnboarding({
          ...onboarding('paced', 'svc-b'),
          batchId: 'batch-1',
        });
        await b.onboardingQueue.claimOnboarding({
          ...onboarding('paced-2', 'svc-b'),
          batchId: 'batch-1',
        });
      } finally {
        ahead.mockRestore();
      }
      const paced = await a.onboardingQueue.takeNextOnboarding(1, 3_600_000);
      expect(paced?.apiKey).toBe(onboarding('paced', 'svc-b').apiKey);
      ahead.mockImplementation(() => realNow() + 3_601_000);
      try {
        // Hours ahead by b's clock, not by the database's: the pace still holds.
        expect(
          await b.onboardingQueue.takeNextOnboarding(1, 3_600_000),
        ).toBeUndefined();
      } finally {
        ahead.mockRestore();
      }
    });

    it('lets exactly one of many concurrent claims queue an onboarding', async () => {
      const store = await createStore(databaseId);
      const claims = await Promise.all(
        Array.from({ length: 20 }, () =>
          store.onboardingQueue.claimOnboarding(onboarding('wallet')),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(
        (await store.onboardingQueue.getOnboarding(onboarding('wallet').apiKey))
          ?.state,
      ).toBe('queued');
    });

    it('deletes ended batches past retention with their items, keeps those with work left and recent ones, and keeps the operations', async () => {
      const { onboardingQueue: queue } = await createStore(databaseId);
      const batch = async (id: string, requestedAt: string, apis: string[]) => {
        await queue.createBatchWithinLimits(
          { id, requestedBy: 'user:default/paula', requestedAt },
          apis.map(api => ({
            entityRef: `api:default/${api}`,
            outcome: 'queued' as const,
            claim: { ...onboarding(api), requestedAt, batchId: id },
          })),
          { maxOpenBatches: 10, maxBatched: 100 },
        );
      };
      const OLD = '2026-10-01T00:00:00.000Z';
      const ended = '00000000-0000-4000-8000-000000000001';
      const working = '00000000-0000-4000-8000-000000000002';
      const recent = '00000000-0000-4000-8000-000000000003';
      await batch(ended, OLD, ['e1', 'e2']);
      await batch(working, OLD, ['w1']);
      await batch(recent, '2026-12-01T00:00:00.000Z', ['r1']);
      // The ended batch's operations finish; the others' stay queued.
      for (let i = 0; i < 3; i++) {
        const run = await queue.takeNextOnboarding(10);
        if (!run) break;
        if (run.batchId === ended) {
          await queue.finishOnboarding(run, { state: 'succeeded' });
        } else {
          await queue.requeueOnboardings([run]);
        }
      }
      expect(
        (await queue.getBatch(ended))?.items.map(i => i.operation?.state),
      ).toEqual(['succeeded', 'succeeded']);
      expect(
        (await queue.getBatch(working))?.items.map(i => i.operation?.state),
      ).toEqual(['queued']);
      expect(await queue.pruneBatches('2026-11-06T00:00:00.000Z')).toBe(1);
      expect(await queue.getBatch(ended)).toBeUndefined();
      expect(await queue.getBatch(working)).toBeDefined();
      expect(await queue.getBatch(recent)).toBeDefined();
      // The outcome stays with the API.
      expect((await queue.getOnboarding(onboarding('e1').apiKey))?.state).toBe(
        'succeeded',
      );
      expect(await queue.pruneBatches('2026-11-06T00:00:00.000Z')).toBe(0);
    });

    it('runs at most maxRunning operations per service, and queues a retry only after the last one ended', async () => {
      const store = await createStore(databaseId);
      await store.onboardingQueue.claimOnboarding(onboarding('one'));
      await store.onboardingQueue.claimOnboarding(onboarding('two'));
      await store.onboardingQueue.claimOnboarding(onboarding('other', 'svc-b'));

      const first = await store.onboardingQueue.takeNextOnboarding(1);
      const second = await store.onboardingQueue.takeNextOnboarding(1);
      expect(first?.target.apiId).toBe('one');
      expect(second?.target.apiId).toBe('other'); // svc-a is busy, svc-b is not
      expect(await store.onboardingQueue.takeNextOnboarding(1)).toBeUndefined();

      expect(
        await store.onboardingQueue.claimOnboarding(onboarding('one')),
      ).toBe(false); // still running
      await store.onboardingQueue.finishOnboarding(first!, {
        state: 'failed',
        error: 'Azure said no',
      });
      expect(await store.onboardingQueue.getOnboarding(first!.apiKey)).toEqual(
        expect.objectContaining({ state: 'failed', error: 'Azure said no' }),
      );
      expect(
        (await store.onboardingQueue.takeNextOnboarding(1))?.target.apiId,
      ).toBe('two');
      expect(
        await store.onboardingQueue.claimOnboarding(onboarding('one')),
      ).toBe(true); // a retry after failure
    });

    it('does not let a long queue of one service starve another service', async () => {
      const store = await createStore(databaseId);
      for (let i = 0; i < 60; i++) {
        await store.onboardingQueue.claimOnboarding({
          ...onboarding(`busy-${i}`, 'svc-busy'),
          requestedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
        });
      }
      await store.onboardingQueue.claimOnboarding({
        ...onboarding('patient', 'svc-quiet'),
        requestedAt: new Date(Date.UTC(2026, 0, 2)).toISOString(),
      });
      expect(
        (await store.onboardingQueue.takeNextOnboarding(1))?.target.apiId,
      ).toBe('busy-0');
      expect(
        (await store.onboardingQueue.takeNextOnboarding(1))?.target.apiId,
      ).toBe('patient');
      expect(await store.onboardingQueue.takeNextOnboarding(1)).toBeUndefined();
    });

    it('counts the operations a user has queued or running', async () => {
      const store = await createStore(databaseId);
      await store.onboardingQueue.claimOnboarding(onboarding('one'));
      await store.onboardingQueue.claimOnboarding({
        ...onboarding('two'),
        requestedBy: 'user:default/carl',
      });
      await store.onboardingQueue.claimOnboarding(onboarding('three', 'svc-b'));
      await store.onboardingQueue.finishOnboarding(
        (await store.onboardingQueue.takeNextOnboarding(1))!,
        {
          state: 'succeeded',
        },
      );
      expect(
        await store.onboardingQueue.countActiveOnboardings(
          'user:default/paula',
        ),
      ).toBe(1);
      expect(
        await store.onboardingQueue.countActiveOnboardings('user:default/carl'),
      ).toBe(1);
    });

    it('lets only the claim that holds a running operation renew, finish or hand it back', async () => {
      const knex = await databases.init(databaseId);
      const store = await storeOn(knex);
      await store.onboardingQueue.claimOnboarding(onboarding('wallet'));
      const stalled = (await store.onboardingQueue.takeNextOnboarding(1))!;
      expect(await store.onboardingQueue.renewOnboardingLease(stalled)).toBe(
        true,
      );

      // Its replica stops renewing (a long pause, a lost network); another claim takes it over.
      await expireLease(knex, stalled.apiKey);
      const current = (await store.onboardingQueue.takeNextOnboarding(1))!;
      expect(current.apiKey).toBe(stalled.apiKey);
      expect(current.leaseToken).not.toBe(stalled.leaseToken);

      // The stalled runner wakes up: nothing it writes lands.
      expect(await store.onboardingQueue.renewOnboardingLease(stalled)).toBe(
        false,
      );
      expect(
        await store.onboardingQueue.finishOnboarding(stalled, {
          state: 'failed',
          error: 'stale outcome',
        }),
      ).toBe(false);
      await store.onboardingQueue.requeueOnboardings([stalled]);
      expect(await store.onboardingQueue.getOnboarding(stalled.apiKey)).toEqual(
        expect.objectContaining({ state: 'running' }),
      );
      expect(await store.onboardingQueue.takeNextOnboarding(1)).toBeUndefined(); // its lease was not extended by the stalled runner

      expect(
        await store.onboardingQueue.finishOnboarding(current, {
          state: 'succeeded',
        }),
      ).toBe(true);
      expect(await store.onboardingQueue.getOnboarding(stalled.apiKey)).toEqual(
        expect.objectContaining({ state: 'succeeded' }),
      );
      expect(
        (await store.onboardingQueue.getOnboarding(stalled.apiKey))?.error,
      ).toBeUndefined();
    });

    it('takes an operation whose lease ran out once, however many takers race for it', async () => {
      const knex = await databases.init(databaseId);
      const store = await storeOn(knex);
      await store.onboardingQueue.claimOnboarding(onboarding('orphan'));
      await store.onboardingQueue.takeNextOnboarding(1);
      await expireLease(knex, onboarding('orphan').apiKey);
      const taken = (
        await Promise.all(
          Array.from({ length: 12 }, () =>
            store.onboardingQueue.takeNextOnboarding(1),
          ),
        )
      ).filter(Boolean);
      expect(taken.map(t => t!.apiKey)).toEqual([onboarding('orphan').apiKey]);
    });
  },
);

const postgresIds = POSTGRES_IDS.filter(id => databases.supports(id));
if (postgresIds.length > 0) {
  describe.each(postgresIds)('Two replicas on one %s database', databaseId => {
    let second: Knex | undefined;
    afterEach(async () => {
      await second?.destroy();
      second = undefined;
    });

    /** Two stores, as two replicas have, with their own connection pools on one database. */
    async function twoReplicas(): Promise<
      [DefenderApisStores, DefenderApisStores, Knex]
    > {
      const knex = await databases.init(databaseId);
      const a = await storeOn(knex);
      second = createKnex(knex.client.config);
      return [a, await storeOn(second), knex];
    }

    async function runningPerService(
      knex: Knex,
    ): Promise<Record<string, number>> {
      const rows: Array<{ service_key: string; n: number | string }> =
        await knex(ONBOARDING)
          .select('service_key')
          .count({ n: '*' })
          .where({ state: 'running' })
          .groupBy('service_key');
      return Object.fromEntries(rows.map(r => [r.service_key, Number(r.n)]));
    }

    it('never run more operations of a service than allowed between them, and never one operation twice', async () => {
      const [a, b, knex] = await twoReplicas();
      for (const service of ['svc-a', 'svc-b']) {
        for (let i = 0; i < 10; i++)
          await a.onboardingQueue.claimOnboarding({
            ...onboarding(`${service}-${i}`, service),
          });
      }
      // A replica that died while running one operation of each service: their leases ran out.
      const orphans = [
        await a.onboardingQueue.takeNextOnboarding(1),
        await a.onboardingQueue.takeNextOnboarding(1),
      ];
      expect(orphans.map(o => o?.serviceKey)).toEqual([
        's/rg/svc-a',
        's/rg/svc-b',
      ]);
      for (const orphan of orphans) await expireLease(knex, orphan!.apiKey);

      // Both replicas drain at once, each with many takes in flight.
      const racing = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          (i % 2 === 0 ? a : b).onboardingQueue.takeNextOnboarding(2),
        ),
      );
      const taken = racing.filter((t): t is RunningOnboarding => Boolean(t));
      expect(new Set(taken.map(t => t.apiKey)).size).toBe(taken.length);
      expect(
        Object.values(await runningPerService(knex)).every(n => n <= 2),
      ).toBe(true);

      // Whatever capacity the race left, takes one at a time fill it exactly.
      while (
        (await a.onboardingQueue.takeNextOnboarding(2)) ||
        (await b.onboardingQueue.takeNextOnboarding(2))
      ) {
        // taking until both say nothing is left
      }
      expect(await runningPerService(knex)).toEqual({
        's/rg/svc-a': 2,
        's/rg/svc-b': 2,
      });
    });
  });
}
