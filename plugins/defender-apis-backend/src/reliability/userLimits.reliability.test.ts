/**
 * Reliability: one user's onboarding limits hold under parallel requests, on a file SQLite
 * database and on PostgreSQL (when DEFENDER_APIS_TEST_POSTGRES_URL names a server). The
 * limits are counted with the claims under a lock row per user, so requests that arrive
 * together cannot each see room for themselves.
 */
import { ArmEmulator, startArmEmulator } from '@defender-apis/arm-emulator';
import { JsonObject } from '@backstage/types';
import {
  asUser,
  generatedEstate,
  PluginHarness,
  startHarness,
  API_BASE,
  apiRef,
} from '../__testUtils__/harness';
import { pluginDatabases } from '../__testUtils__/pluginDatabases';

jest.setTimeout(120_000);

const names = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `gen-api-${from + i}`);

const databases = pluginDatabases('defender_user_limits');

describe.each(databases)(
  "reliability: a user's onboarding limits under parallel requests on %s",
  (_name, databaseConfig) => {
    const estate = generatedEstate({
      apis: 12,
      services: 1,
      onboardedRatio: 0,
    });
    let emulator: ArmEmulator;
    let h: PluginHarness | undefined;
    beforeAll(async () => {
      emulator = await startArmEmulator({
        scenario: estate.scenario,
        lro: { pollsUntilDone: 1, retryAfterSeconds: 1 },
      });
    });
    afterAll(() => emulator.close());
    beforeEach(() => emulator.loadScenario(estate.scenario));
    afterEach(async () => {
      await h?.stop();
      h = undefined;
    });

    const start = async (onboarding: JsonObject) => {
      h = await startHarness({
        emulator,
        database: databaseConfig(),
        scenario: estate.scenario,
        entities: estate.entities,
        services: estate.services,
        config: { onboarding: { pace: '1h', ...onboarding } },
        refreshed: true,
      });
      return h;
    };

    it('queues exactly maxQueuedPerUser of many single requests sent at once', async () => {
      const harness = await start({ maxQueuedPerUser: 3 });
      // Azure is slow: nothing finishes while the requests arrive.
      emulator.addFault({
        match: { method: 'PUT', pathPattern: 'apiCollections/' },
        effect: { delayMs: 15_000 },
        times: 20,
      });
      const answers = await Promise.all(
        names(1, 10).map(name =>
          harness.request
            .post(`${API_BASE}/posture/api/default/${name}/onboard`)
            .set('Authorization', asUser('paula')),
        ),
      );
      const statuses = answers.map(a => a.status).sort();
      expect(statuses.filter(s => s === 202)).toHaveLength(3);
      expect(statuses.filter(s => s === 429)).toHaveLength(7);
      const refused = answers.find(a => a.status === 429)!;
      expect(refused.body.error.message).toBe(
        'user:default/paula already has 3 onboardings queued or running, the most one user may have (defenderApis.onboarding.maxQueuedPerUser: 3); try again when some have finished',
      );
    });

    it('records at most maxOpenBatchesPerUser of batches sent at once, and nothing of the others', async () => {
      const harness = await start({ maxOpenBatchesPerUser: 2 });
      const batches = [names(1, 3), names(4, 6), names(7, 9)];
      const answers = await Promise.all(
        batches.map(batch =>
          harness.request
            .post(`${API_BASE}/onboard`)
            .set('Authorization', asUser('paula'))
            .send({ entityRefs: batch.map(apiRef) }),
        ),
      );
      expect(answers.map(a => a.status).sort()).toEqual([202, 202, 429]);
      const refusedIndex = answers.findIndex(a => a.status === 429);
      expect(answers[refusedIndex].body.error.message).toBe(
        'user:default/paula already has 2 onboarding batches with APIs waiting or running, the most one user may have (defenderApis.onboarding.maxOpenBatchesPerUser: 2); cancel one or try again when one has finished',
      );
      // The refused batch queued none of its APIs.
      for (const name of batches[refusedIndex]) {
        const posture = await harness.request
          .get(`${API_BASE}/posture/api/default/${name}`)
          .set('Authorization', asUser('paula'));
        expect(posture.body.onboarding).toBeUndefined();
      }
    });

    it('refuses a batch that would take the user past maxBatchedPerUser, whole', async () => {
      const harness = await start({ maxBatchedPerUser: 4 });
      // The first operation of a batch runs at once: slow, so it still counts.
      emulator.addFault({
        match: { method: 'PUT', pathPattern: 'apiCollections/' },
        effect: { delayMs: 15_000 },
        times: 20,
      });
      const post = (batch: string[]) =>
        harness.request
          .post(`${API_BASE}/onboard`)
          .set('Authorization', asUser('paula'))
          .send({ entityRefs: batch.map(apiRef) });
      expect((await post(names(1, 5))).status).toBe(429);
      const first = await post(names(1, 3));
      expect(first.status).toBe(202);
      // Three waiting or running; two more would make five.
      const over = await post(names(4, 5));
      expect(over.status).toBe(429);
      expect(over.body.error.message).toMatch(
        /already has 3 batch onboardings waiting or running; 2 more would exceed the most one user may have \(defenderApis\.onboarding\.maxBatchedPerUser: 4\)/,
      );
      expect((await post(names(4, 4))).status).toBe(202);
    });
  },
);
