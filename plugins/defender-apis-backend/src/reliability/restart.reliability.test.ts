/**
 * Reliability: a backend restart keeps the stored posture and the onboarding queue, on a file
 * SQLite database and on PostgreSQL (when DEFENDER_APIS_TEST_POSTGRES_URL names a server;
 * scripts/test.sh starts Debian's and sets it).
 */
import { ArmEmulator, startArmEmulator } from '@defender-apis/arm-emulator';
import { asUser, eventually, startHarness } from '../__testUtils__/harness';
import { pluginDatabases } from '../__testUtils__/pluginDatabases';

jest.setTimeout(120_000);

const posturePath = (name: string) =>
  `/api/defender-apis/posture/api/default/${name}`;
const databases = pluginDatabases('defender_restart');

describe.each(databases)(
  'reliability: a backend restart on %s',
  (_name, databaseConfig) => {
    let emulator: ArmEmulator;
    beforeAll(async () => {
      emulator = await startArmEmulator({
        lro: { pollsUntilDone: 1, retryAfterSeconds: 1 },
        pageSize: 5,
      });
    });
    afterAll(() => emulator.close());

    it('keeps stored posture and the onboarding queue, and carries the queue out after the restart', async () => {
      const database = databaseConfig();
      const first = await startHarness({ emulator, database });
      let before: any;
      try {
        await first.runScheduledRefresh();
        before = (
          await first.request
            .get(posturePath('checkout-api'))
            .set('Authorization', asUser('paula'))
        ).body;
        expect(before.status).toBe('atRisk');

        // The first onboarding hangs in Azure, so the second waits in the queue (one per service).
        emulator.addFault({
          match: { method: 'PUT', pathPattern: 'apiCollections/wallet-api' },
          effect: { delayMs: 20_000 },
          times: 1,
        });
        expect(
          (
            await first.request
              .post(`${posturePath('wallet-api')}/onboard`)
              .set('Authorization', asUser('paula'))
          ).status,
        ).toBe(202);
        expect(
          (
            await first.request
              .post(`${posturePath('fx-rates-api')}/onboard`)
              .set('Authorization', asUser('carl'))
          ).status,
        ).toBe(202);
        await eventually(async () => {
          const wallet = (
            await first.request
              .get(posturePath('wallet-api'))
              .set('Authorization', asUser('paula'))
          ).body;
          expect(wallet.onboarding.state).toBe('running');
        });
      } finally {
        await first.stop();
      }

      emulator.clearRequests();
      const second = await startHarness({ emulator, database });
      try {
        const after = (
          await second.request
            .get(posturePath('checkout-api'))
            .set('Authorization', asUser('paula'))
        ).body;
        expect(after).toEqual(before);
        expect(emulator.requests()).toEqual([]); // served from the store, not read again

        for (const [name, user] of [
          ['wallet-api', 'paula'],
          ['fx-rates-api', 'carl'],
        ]) {
          const queued = (
            await second.request
              .get(posturePath(name))
              .set('Authorization', asUser(user))
          ).body;
          expect({
            name,
            status: queued.status,
            state: queued.onboarding?.state,
          }).toEqual({ name, status: 'onboarding', state: 'queued' });
        }

        await second.runScheduledTask('defender-apis-onboarding-queue');
        for (const name of ['wallet-api', 'fx-rates-api']) {
          await eventually(async () => {
            const done = (
              await second.request
                .get(posturePath(name))
                .set('Authorization', asUser('paula'))
            ).body;
            expect({
              name,
              status: done.status,
              state: done.onboarding?.state,
            }).toEqual({ name, status: 'awaitingData', state: 'succeeded' });
          }, 30_000);
        }
      } finally {
        await second.stop();
      }
    });
  },
);
