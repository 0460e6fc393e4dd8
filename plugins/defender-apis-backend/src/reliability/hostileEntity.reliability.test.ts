/**
 * Reliability: one API entity with catalog text of any length never stops the scheduled
 * refresh of the others, on PostgreSQL (which enforces column lengths; when
 * DEFENDER_APIS_TEST_POSTGRES_URL names a server, as scripts/test.sh sets it) and on SQLite.
 */
import { Entity } from '@backstage/catalog-model';
import {
  apiEntity,
  asUser,
  demoEntities,
  startHarness,
} from '../__testUtils__/harness';
import { pluginDatabases } from '../__testUtils__/pluginDatabases';

jest.setTimeout(120_000);

const databases = pluginDatabases('defender_hostile');

const TITLE = `Checkout ${'with a title nobody bounded '.repeat(80)}`.slice(
  0,
  2000,
);
const LIFECYCLE = `production-${'l'.repeat(588)}`;
const SYSTEM = `system:default/${'s'.repeat(585)}`;
const DOMAIN = `domain:default/${'d'.repeat(585)}`;

/** An API entity any team could register: long title, lifecycle, system, domain, 100 owners. */
function hostileEntities(): Entity[] {
  const api = apiEntity('hostile-api', 'contoso-payments-apim/checkout-api');
  api.metadata.title = TITLE;
  api.spec = { ...api.spec, lifecycle: LIFECYCLE, system: SYSTEM };
  api.relations = [
    ...Array.from({ length: 100 }, (_, i) => ({
      type: 'ownedBy',
      targetRef: `group:default/team-with-a-rather-long-name-${i}`,
    })),
    { type: 'ownedBy', targetRef: 'group:default/team-payments' },
    { type: 'partOf', targetRef: SYSTEM },
  ];
  const system: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: SYSTEM.slice('system:default/'.length) },
    spec: { owner: 'group:default/team-payments', domain: DOMAIN },
    relations: [{ type: 'partOf', targetRef: DOMAIN }],
  };
  return [api, system];
}

describe.each(databases)(
  'reliability: a hostile entity on %s',
  (_name, database) => {
    it('never stops the refresh: every posture is stored, the whole title is served, health says the refresh ended', async () => {
      const logLines: string[] = [];
      const harness = await startHarness({
        database: database(),
        entities: [...demoEntities(), ...hostileEntities()],
        logLines,
      });
      try {
        expect(
          (await harness.request.get('/api/defender-apis/health')).body,
        ).toEqual({ status: 'ok', refresh: { state: 'pending' } });

        await harness.runScheduledRefresh();

        const health = (await harness.request.get('/api/defender-apis/health'))
          .body;
        expect(health.refresh).toEqual(
          expect.objectContaining({ state: 'ok', posturesFailed: 0 }),
        );
        expect(Date.parse(health.refresh.lastCompletedAt)).not.toBeNaN();
        const refreshed = logLines
          .map(line => JSON.parse(line))
          .find(line => line.message === 'Refreshed Defender for APIs posture');
        expect(refreshed).toEqual(
          expect.objectContaining({
            entities: demoEntities().length + 1,
            posturesFailed: 0,
          }),
        );

        const card = await harness.request
          .get('/api/defender-apis/posture/api/default/hostile-api')
          .set('Authorization', asUser('paula'));
        expect(card.status).toBe(200);
        expect(card.body).toEqual(
          expect.objectContaining({ title: TITLE, lifecycle: LIFECYCLE }),
        );
        expect(card.body.owners).toHaveLength(101);

        const list = await harness.request
          .get('/api/defender-apis/posture?limit=100')
          .set('Authorization', asUser('paula'));
        expect(list.status).toBe(200);
        expect(list.body.totalItems).toBe(demoEntities().length + 1);
      } finally {
        await harness.stop();
      }
    });
  },
);
