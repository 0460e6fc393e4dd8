/**
 * Reliability: queued onboardings are decided again when they run. A batch may wait hours at
 * its pace; meanwhile its entities leave the catalog, map elsewhere, meet another team's
 * claim or change owners, and its requester may leave the organisation. Each operation then
 * ends `cancelled` with the reason, and Azure gets no PUT for it.
 */
import {
  apiEntity,
  asUser,
  eventually,
  generatedEstate,
  MEMBERSHIPS,
  PluginHarness,
  startHarness,
  API_BASE,
  apiRef,
} from '../__testUtils__/harness';

jest.setTimeout(120_000);

function putApis(h: PluginHarness): string[] {
  return h.emulator
    .requests()
    .filter(
      r =>
        r.method === 'PUT' && r.path.toLowerCase().includes('/apicollections/'),
    )
    .map(r => r.path.split('/').pop()!)
    .sort();
}

async function batchOf(h: PluginHarness, id: string) {
  const res = await h.request
    .get(`${API_BASE}/onboard/batches/${id}`)
    .set('Authorization', asUser('paula'));
  expect(res.status).toBe(200);
  return res.body;
}

describe('reliability: queued onboardings are decided again when they run', () => {
  const estate = generatedEstate({ apis: 8, services: 1, onboardedRatio: 0 });
  const service = estate.services[0].name;
  let h: PluginHarness;
  afterEach(() => h?.stop());

  const start = () =>
    startHarness({
      scenario: estate.scenario,
      entities: estate.entities,
      services: estate.services,
      config: { onboarding: { pace: '2s' } },
      refreshed: true,
    });

  /** Queues a batch while the first operation hangs in Azure, so the rest wait. */
  async function queueBehindAHang(names: string[]): Promise<string> {
    h.emulator.addFault({
      match: { method: 'PUT', pathPattern: `apiCollections/${names[0]}` },
      effect: { delayMs: 3_000 },
      times: 1,
    });
    const res = await h.request
      .post(`${API_BASE}/onboard`)
      .set('Authorization', asUser('paula'))
      .send({ entityRefs: names.map(apiRef) });
    expect(res.status).toBe(202);
    expect(res.body.counts.pending).toBe(names.length);
    const id = res.body.id;
    // The first was decided again and runs; the world may change for the rest.
    await eventually(async () =>
      expect(
        (
          await batchOf(h, id)
        ).items.find((i: any) => i.entityRef === apiRef(names[0])).operation
          .state,
      ).toBe('running'),
    );
    return id;
  }

  it('cancels the operations whose entity left, maps elsewhere, is in conflict or changed owners, and runs the rest', async () => {
    h = await start();
    const id = await queueBehindAHang([
      'gen-api-1',
      'gen-api-2',
      'gen-api-3',
      'gen-api-4',
      'gen-api-5',
      'gen-api-6',
    ]);
    // While gen-api-1 runs: gen-api-2 leaves the catalog, gen-api-3 now names gen-api-8,
    // another team claims gen-api-4's API, gen-api-5 passes to team-checkout.
    h.replaceEntities([
      ...estate.entities.filter(
        e => !['gen-api-2', 'gen-api-3', 'gen-api-5'].includes(e.metadata.name),
      ),
      apiEntity('gen-api-3', `${service}/gen-api-8`),
      apiEntity(
        'gen-api-5',
        `${service}/gen-api-5`,
        'group:default/team-checkout',
      ),
      apiEntity(
        'claims-gen-api-4',
        `${service}/gen-api-4`,
        'group:default/team-checkout',
      ),
    ]);
    await h.runCatalogPass();

    const ended = await eventually(async () => {
      const batch = await batchOf(h, id);
      expect(batch.counts.pending).toBe(0);
      return batch;
    }, 60_000);
    const byRef = Object.fromEntries(
      ended.items.map((i: any) => [i.entityRef, i]),
    );
    expect(byRef[apiRef('gen-api-1')].operation.state).toBe('succeeded');
    expect(byRef[apiRef('gen-api-6')].operation.state).toBe('succeeded');
    expect(byRef[apiRef('gen-api-2')]).toEqual(
      expect.objectContaining({
        outcome: 'cancelled',
        reason: 'api:default/gen-api-2 is no longer in the catalog.',
      }),
    );
    expect(byRef[apiRef('gen-api-3')]).toEqual(
      expect.objectContaining({
        outcome: 'cancelled',
        reason: `api:default/gen-api-3 no longer maps to API gen-api-3 of ${service}.`,
      }),
    );
    expect(byRef[apiRef('gen-api-4')]).toEqual(
      expect.objectContaining({
        outcome: 'cancelled',
        reason: expect.stringMatching(
          /^api:default\/gen-api-4 is in conflict now: /,
        ),
      }),
    );
    expect(byRef[apiRef('gen-api-5')]).toEqual(
      expect.objectContaining({
        outcome: 'cancelled',
        reason:
          'user:default/paula, who asked for it as an owner, no longer owns api:default/gen-api-5.',
      }),
    );
    expect(ended.counts).toEqual(
      expect.objectContaining({ cancelled: 4, succeeded: 2, pending: 0 }),
    );
    // Azure saw the two that may still run, and nothing else.
    expect(putApis(h)).toEqual(['gen-api-1', 'gen-api-6']);
    // The cancelled API is as it was: not onboarded, nothing queued.
    const posture = await h.request
      .get(`${API_BASE}/posture/api/default/gen-api-5`)
      .set('Authorization', asUser('carl'));
    expect(posture.body.status).toBe('notOnboarded');
    expect(posture.body.onboarding).toBeUndefined();
  });

  it('cancels what a requester who left the organisation queued', async () => {
    h = await start();
    const id = await queueBehindAHang(['gen-api-1', 'gen-api-2', 'gen-api-3']);
    // Deprovisioned: no longer a user of the catalog (sign-in tokens issued before stay valid).
    const { ['user:default/paula']: _gone, ...others } = MEMBERSHIPS;
    h.setMemberships(others);

    const ended = await eventually(async () => {
      const batch = await batchOf(h, id);
      expect(batch.counts.pending).toBe(0);
      return batch;
    }, 60_000);
    expect(
      ended.items
        .filter((i: any) => i.outcome === 'cancelled')
        .map((i: any) => [i.entityRef, i.reason]),
    ).toEqual(
      ['gen-api-2', 'gen-api-3'].map(name => [
        apiRef(name),
        'user:default/paula, who asked for it, is no longer in the catalog.',
      ]),
    );
    // The first was already running when paula left.
    expect(putApis(h)).toEqual(['gen-api-1']);
  });
});
