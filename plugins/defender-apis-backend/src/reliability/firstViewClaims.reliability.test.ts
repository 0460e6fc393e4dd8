/**
 * Reliability: a first view discloses nothing before the claim is checked. Annotations are
 * written by any team, and a first view knows only the entities stored so far: until a
 * catalog-wide read has compared an entity's claim with every API entity of the catalog, its
 * posture carries nothing read from Azure and it cannot be onboarded. Runs on a file SQLite
 * database and on PostgreSQL (when DEFENDER_APIS_TEST_POSTGRES_URL names a server).
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
const posturePath = (name: string) => `${BASE}/posture/api/default/${name}`;
const CHECKOUT = 'group:default/team-checkout';

describe.each(pluginDatabases('defender_first_view'))(
  'reliability: first views before the claim is checked, on %s',
  (_name, database) => {
    let h: PluginHarness;
    afterEach(() => h?.stop());

    async function postureOf(name: string, user: string) {
      const res = await h.request
        .get(posturePath(name))
        .set('Authorization', asUser(user));
      expect(res.status).toBe(200);
      return res.body;
    }

    it("shows a squatter naming another team's API in other letter case nothing, before and after any refresh", async () => {
      h = await startHarness({ database: database() });
      // Team checkout's entity names team payments' onboarded API, in upper case, and is
      // viewed before the first catalog-wide read has stored the rightful entity.
      h.addEntities([
        apiEntity(
          'echo-squatter-api',
          fullId(PAYMENTS, 'PAYMENTS-API'),
          CHECKOUT,
        ),
      ]);
      const first = await postureOf('echo-squatter-api', 'carl');
      expectNoAzureFacts(first);
      expect(first.status).toBe('awaitingData');
      expect(first.claimPending).toBe(true);
      expect(first.reason).toMatch(/catalog-wide read/);
      const onboard = await h.request
        .post(`${posturePath('echo-squatter-api')}/onboard`)
        .set('Authorization', asUser('carl'));
      expect(onboard.status).toBe(409);
      expect(onboard.body.error.message).toMatch(/catalog-wide read/);
      expect(h.emulator.requests().filter(isAzureWrite)).toHaveLength(0);
      // Nor do lists and summaries count its Azure facts.
      const atRisk = (
        await h.request
          .get(`${BASE}/posture?status=atRisk&status=protected`)
          .set('Authorization', asUser('carl'))
      ).body;
      expect(atRisk.items.map((p: any) => p.entityRef)).not.toContain(
        'api:default/echo-squatter-api',
      );

      // The rightful owner's first view waits too: its claim is not checked either.
      expectNoAzureFacts(await postureOf('payments-api', 'paula'));

      // The catalog-wide read checks both claims: a conflict, still nothing disclosed.
      await h.runScheduledRefresh();
      const squatter = await postureOf('echo-squatter-api', 'carl');
      expect(squatter.status).toBe('conflict');
      expect(squatter.claimPending).toBeUndefined();
      expectNoAzureFacts(squatter);
      expect((await postureOf('payments-api', 'paula')).status).toBe(
        'conflict',
      );

      // Without the squatter, the rightful owner's card is whole.
      h.replaceEntities(demoEntities());
      await h.runScheduledRefresh();
      const owner = await postureOf('payments-api', 'paula');
      expect(owner.endpoints.total).toBeGreaterThan(0);
      expect(owner.claimPending).toBeUndefined();
      expect(owner.conflictWith).toBeUndefined();
    });

    it('holds a new entity registered between two catalog-wide reads until the catalog pass has checked its claim', async () => {
      h = await startHarness({ database: database() });
      await h.runScheduledRefresh();
      const checked = await postureOf('payments-api', 'paula');
      expect(checked.endpoints.total).toBeGreaterThan(0);

      // A new entity between two catalog-wide reads waits for the next one.
      h.addEntities([apiEntity('late-api', fullId(PAYMENTS, 'ledger-api'))]);
      const late = await postureOf('late-api', 'paula');
      expect(late.claimPending).toBe(true);
      expectNoAzureFacts(late);
      // The view asks for the catalog pass now, not at its next scheduled time; views within
      // the next seconds do not ask again.
      expect(h.triggeredTasks()).toEqual(['defender-apis-catalog-sync']);
      await postureOf('late-api', 'paula');
      expect(h.triggeredTasks()).toHaveLength(1);
      await h.runCatalogPass();
      const lateChecked = await postureOf('late-api', 'paula');
      expect(lateChecked.claimPending).toBeUndefined();
    });

    it('says in the summary and in lists how many API entities of the scope no catalog-wide read has checked', async () => {
      h = await startHarness({ database: database() });
      const summary = async (query = '', user = 'priya') =>
        (
          await h.request
            .get(`${BASE}/summary${query}`)
            .set('Authorization', asUser(user))
            .expect(200)
        ).body;
      const catalogSize = demoEntities().length;

      // A first start: nothing checked, nothing counted, and the summary says so.
      const first = await summary();
      expect(first).toEqual(
        expect.objectContaining({
          total: 0,
          pending: catalogSize,
          complete: false,
        }),
      );
      await h.runScheduledRefresh();
      expect(await summary()).toEqual(
        expect.objectContaining({
          total: catalogSize,
          pending: 0,
          complete: true,
        }),
      );

      // A new entity of team payments (naming its own API): pending, also once viewed, in
      // its owner's scope only.
      h.addEntities([
        apiEntity('ledger-docs-api', fullId(PAYMENTS, 'ledger-api')),
      ]);
      expect((await postureOf('ledger-docs-api', 'paula')).claimPending).toBe(
        true,
      );
      const payments = `?owner=${encodeURIComponent(
        'group:default/team-payments',
      )}`;
      const checkout = `?owner=${encodeURIComponent(CHECKOUT)}`;
      const before = await summary(payments);
      expect(before.pending).toBe(1);
      expect(before.complete).toBe(false);
      expect((await summary(checkout)).pending).toBe(0);
      // Not in lists or counts yet: only its view knows it.
      const listed = (
        await h.request
          .get(`${BASE}/posture${payments}&limit=500`)
          .set('Authorization', asUser('paula'))
      ).body;
      expect(listed.items.map((p: any) => p.entityRef)).not.toContain(
        'api:default/ledger-docs-api',
      );
      // Lists say so too, filtered by status or not: the scope is the owner's.
      expect(listed).toEqual(
        expect.objectContaining({ pending: 1, complete: false }),
      );
      const protectedOnly = (
        await h.request
          .get(`${BASE}/posture${payments}&status=protected`)
          .set('Authorization', asUser('paula'))
      ).body;
      expect(protectedOnly.pending).toBe(1);

      await h.runScheduledRefresh();
      const after = await summary(payments);
      expect(after.pending).toBe(0);
      expect(after.complete).toBe(true);
      expect(after.total).toBe(before.total + 1);
      const listedAfter = (
        await h.request
          .get(`${BASE}/posture${payments}&status=protected`)
          .set('Authorization', asUser('paula'))
      ).body;
      expect(listedAfter).toEqual(
        expect.objectContaining({ pending: 0, complete: true }),
      );
    });
  },
);
