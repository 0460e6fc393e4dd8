/**
 * Reliability: the pass over the catalog. Every minute one replica compares the version of
 * every API entity with the stored ones and reads only what is new or changed, at the cost of
 * first views: a new API is in lists and summaries within a minute, a removed one leaves them,
 * a squatter registered between two full refreshes is settled as a conflict and never sees
 * another team's facts. Runs on a file SQLite database and on PostgreSQL (when
 * DEFENDER_APIS_TEST_POSTGRES_URL names a server).
 */
import {
  apiEntity,
  asUser,
  demoEntities,
  fullId,
  PAYMENTS,
  PluginHarness,
  startHarness,
  isAzureWrite,
} from '../__testUtils__/harness';
import { expectNoAzureFacts } from '../__testUtils__/expectNoAzureFacts';
import { pluginDatabases } from '../__testUtils__/pluginDatabases';

jest.setTimeout(120_000);

const BASE = '/api/defender-apis';
const CHECKOUT = 'group:default/team-checkout';
// A scope of one owner: whole-catalog counts are shared for a few seconds, scoped ones are not.
const PAYMENTS_SCOPE = `?owner=${encodeURIComponent(
  'group:default/team-payments',
)}`;

describe.each(pluginDatabases('defender_catalog_pass'))(
  'reliability: the catalog pass, on %s',
  (_name, database) => {
    let h: PluginHarness;
    afterEach(() => h?.stop());

    const get = async (path: string, user = 'paula') =>
      (
        await h.request
          .get(`${BASE}${path}`)
          .set('Authorization', asUser(user))
          .expect(200)
      ).body;
    const listedRefs = async () =>
      (await get('/posture?limit=500')).items.map(
        (p: { entityRef: string }) => p.entityRef,
      );

    it('reads new API entities in one pass, at the cost of first views, and counts them', async () => {
      h = await startHarness({ database: database(), refreshed: true });
      const before = await get(`/summary${PAYMENTS_SCOPE}`);
      expect(before.pending).toBe(0);

      // Twenty new entities of team payments, naming its protected API.
      const fresh = Array.from({ length: 20 }, (_, i) =>
        apiEntity(`payments-docs-${i}`, fullId(PAYMENTS, 'payments-api')),
      );
      h.addEntities(fresh);
      const pending = await get(`/summary${PAYMENTS_SCOPE}`);
      expect(pending.pending).toBe(20);
      // No pass has started yet: the next is expected within its period.
      const expectedBy = Date.parse(pending.nextReadAt) - Date.now();
      expect(expectedBy).toBeGreaterThan(0);
      expect(expectedBy).toBeLessThanOrEqual(45_000);

      const passStarted = Date.now();
      await h.runCatalogPass();
      const after = await get(`/summary${PAYMENTS_SCOPE}`);
      expect(after).toEqual(
        expect.objectContaining({
          total: before.total + 20,
          pending: 0,
          complete: true,
        }),
      );
      expect(after.nextReadAt).toBeUndefined();
      // Another new entity is expected at the next pass: a period (45 s) after the last one
      // started, whichever replica ran it.
      h.addEntities([apiEntity('payments-docs-late', undefined)]);
      const late = await get(`/posture${PAYMENTS_SCOPE}&limit=1`);
      expect(late.pending).toBe(1);
      expect(Date.parse(late.nextReadAt) - passStarted).toBeGreaterThanOrEqual(
        44_000,
      );
      expect(Date.parse(late.nextReadAt) - passStarted).toBeLessThan(55_000);

      const one = await get('/posture/api/default/payments-docs-7');
      expect(one.status).toBe('protected');
      expect(one.claimPending).toBeUndefined();
      expect(one.endpoints.total).toBeGreaterThan(0);

      // Only reads, at most a collection read and an API read per new entity, and none of
      // the full refresh's list reads per subscription.
      const requests = h.emulator.requests();
      expect(requests.filter(isAzureWrite)).toEqual([]);
      expect(requests.length).toBeLessThanOrEqual(2 * fresh.length);
      expect(
        requests.filter(r =>
          /\/subscriptions\/[^/]+\/providers\/microsoft\.security\/apicollections/i.test(
            r.path,
          ),
        ),
      ).toEqual([]);

      // A pass with nothing new reads nothing.
      h.emulator.clearRequests();
      await h.runCatalogPass();
      expect(h.emulator.requests()).toEqual([]);
    });

    it('settles the claim of an entity a first view read without reading Azure again', async () => {
      h = await startHarness({ database: database(), refreshed: true });
      h.addEntities([
        apiEntity('payments-docs', fullId(PAYMENTS, 'payments-api')),
      ]);
      const first = await get('/posture/api/default/payments-docs');
      expect(first.claimPending).toBe(true);
      expectNoAzureFacts(first);

      h.emulator.clearRequests();
      await h.runCatalogPass();
      expect(h.emulator.requests()).toEqual([]);
      const settled = await get('/posture/api/default/payments-docs');
      expect(settled.claimPending).toBeUndefined();
      expect(settled.status).toBe('protected');
      expect(settled.endpoints.total).toBeGreaterThan(0);
      expect((await get(`/summary${PAYMENTS_SCOPE}`)).pending).toBe(0);
    });

    it('settles a squatter registered between two full refreshes as a conflict: no facts before or after', async () => {
      h = await startHarness({ database: database(), refreshed: true });
      h.addEntities([
        apiEntity(
          'echo-squatter-api',
          fullId(PAYMENTS, 'PAYMENTS-API'),
          CHECKOUT,
        ),
      ]);
      // Its first view already meets the stored rightful claim: nothing disclosed.
      const first = await get('/posture/api/default/echo-squatter-api', 'carl');
      expect(first.status).toBe('conflict');
      expectNoAzureFacts(first);

      await h.runCatalogPass();
      const squatter = await get(
        '/posture/api/default/echo-squatter-api',
        'carl',
      );
      expect(squatter.status).toBe('conflict');
      expect(squatter.claimPending).toBeUndefined();
      expectNoAzureFacts(squatter);
      const owner = await get('/posture/api/default/payments-api');
      expect(owner.status).toBe('conflict');
      expect(owner.conflictWith).toEqual(['api:default/echo-squatter-api']);

      // The squatter's team fixes its annotation: the next pass reads the changed entity
      // again, and the rightful owner's card is whole.
      h.replaceEntities([
        ...demoEntities(),
        apiEntity('echo-squatter-api', undefined, CHECKOUT),
      ]);
      await h.runCatalogPass();
      const fixed = await get('/posture/api/default/payments-api');
      expect(fixed.status).toBe('protected');
      expect(fixed.endpoints.total).toBeGreaterThan(0);
      expect(
        (await get('/posture/api/default/echo-squatter-api', 'carl')).status,
      ).toBe('unmapped');
    });

    it('removes an entity that left the catalog from lists and summaries, and reads a changed one again', async () => {
      h = await startHarness({ database: database(), refreshed: true });
      const total = (await get(`/summary${PAYMENTS_SCOPE}`)).total;
      expect(await listedRefs()).toContain('api:default/ledger-api');

      h.replaceEntities(
        demoEntities()
          .filter(e => e.metadata.name !== 'ledger-api')
          .map(e =>
            e.metadata.name === 'wallet-api'
              ? { ...e, metadata: { ...e.metadata, title: 'Wallet (v2)' } }
              : e,
          ),
      );
      h.emulator.clearRequests();
      await h.runCatalogPass();

      expect(await listedRefs()).not.toContain('api:default/ledger-api');
      expect((await get(`/summary${PAYMENTS_SCOPE}`)).total).toBe(total - 1);
      const wallet = await get('/posture?q=wallet');
      expect(wallet.items.map((p: { title?: string }) => p.title)).toEqual([
        'Wallet (v2)',
      ]);
    });

    it('leaves more changes than a pass reads to the full refresh, and keeps what is stored', async () => {
      h = await startHarness({ database: database(), refreshed: true });
      const total = (await get(`/summary${PAYMENTS_SCOPE}`)).total;
      h.addEntities(
        Array.from({ length: 101 }, (_, i) =>
          apiEntity(`bulk-${i}`, fullId(PAYMENTS, 'payments-api')),
        ),
      );
      await h.runCatalogPass();
      expect(h.emulator.requests()).toEqual([]);
      expect(h.triggeredTasks()).toEqual(['defender-apis-refresh']);
      expect((await get(`/summary${PAYMENTS_SCOPE}`)).total).toBe(total);

      // An empty answer from the catalog removes nothing either.
      h.replaceEntities([]);
      await h.runCatalogPass();
      expect((await get(`/summary${PAYMENTS_SCOPE}`)).total).toBe(total);
    });
  },
);
