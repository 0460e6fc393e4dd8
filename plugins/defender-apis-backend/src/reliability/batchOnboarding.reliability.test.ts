/**
 * Reliability: gradual bulk onboarding runs in the backend. A batch is checked API by API like
 * a single request, queued in the database, started at the configured pace per service
 * whatever the requester's browser does, reported per API, and cancellable before it starts.
 */
import {
  asUser,
  eventually,
  PluginHarness,
  startHarness,
  API_BASE,
  apiRef,
} from '../__testUtils__/harness';

jest.setTimeout(120_000);

function puts(h: PluginHarness) {
  return h.emulator
    .requests()
    .filter(
      r =>
        r.method === 'PUT' && r.path.toLowerCase().includes('/apicollections/'),
    );
}

async function batchOf(h: PluginHarness, id: string, user = 'paula') {
  const res = await h.request
    .get(`${API_BASE}/onboard/batches/${id}`)
    .set('Authorization', asUser(user));
  expect(res.status).toBe(200);
  return res.body;
}

describe('reliability: gradual bulk onboarding in the backend', () => {
  let h: PluginHarness;
  afterEach(() => h?.stop());

  it('checks each API like a single request, starts one per service per pace, reports progress, and cancels what has not started', async () => {
    h = await startHarness({
      config: { onboarding: { pace: '1h' } },
      refreshed: true,
    });
    const res = await h.request
      .post(`${API_BASE}/onboard`)
      .set('Authorization', asUser('paula'))
      .send({
        entityRefs: [
          apiRef('wallet-api'),
          apiRef('notifications-api'),
          apiRef('payments-api'),
          apiRef('fx-rates-api'),
          apiRef('no-such-entity'),
          apiRef('WALLET-API'), // the same entity again, in another case
        ],
      });
    expect(res.status).toBe(202);
    const outcomes = Object.fromEntries(
      res.body.items.map((i: any) => [i.entityRef, i]),
    );
    expect(outcomes[apiRef('wallet-api')].outcome).toBe('queued');
    expect(outcomes[apiRef('notifications-api')].outcome).toBe('queued');
    expect(outcomes[apiRef('payments-api')].outcome).toBe('alreadyOnboarded');
    expect(outcomes[apiRef('fx-rates-api')]).toEqual(
      expect.objectContaining({
        outcome: 'refused',
        reason: expect.stringContaining('Only the owners'),
      }),
    );
    expect(outcomes[apiRef('no-such-entity')]).toEqual(
      expect.objectContaining({
        outcome: 'refused',
        reason: expect.stringContaining('No entity'),
      }),
    );
    expect(res.body.items).toHaveLength(5);

    // One operation of the service starts (Azure fails this one, as the scenario says); the
    // other waits for the pace (an hour here).
    const id = res.body.id;
    await eventually(async () =>
      expect((await batchOf(h, id)).counts).toEqual(
        expect.objectContaining({ failed: 1, pending: 1 }),
      ),
    );
    const failed = (await batchOf(h, id)).items.find(
      (i: any) => i.entityRef === apiRef('notifications-api'),
    );
    expect(failed.operation).toEqual(
      expect.objectContaining({
        state: 'failed',
        error: expect.stringContaining('did not respond in time'),
      }),
    );
    await h.runScheduledTask('defender-apis-onboarding-queue');
    expect(puts(h).map(r => r.path.split('/').pop())).toEqual([
      'notifications-api',
    ]);

    // Someone else cannot see or cancel the batch.
    expect(
      (
        await h.request
          .get(`${API_BASE}/onboard/batches/${id}`)
          .set('Authorization', asUser('carl'))
      ).status,
    ).toBe(404);
    expect(
      (
        await h.request
          .delete(`${API_BASE}/onboard/batches/${id}`)
          .set('Authorization', asUser('carl'))
      ).status,
    ).toBe(404);

    const cancelled = await h.request
      .delete(`${API_BASE}/onboard/batches/${id}`)
      .set('Authorization', asUser('paula'));
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.cancelledAt).toBeDefined();
    expect(cancelled.body.counts).toEqual(
      expect.objectContaining({ failed: 1, pending: 0, cancelled: 1 }),
    );
    // The first release's POST .../cancel still answers, with the same batch.
    const again = await h.request
      .post(`${API_BASE}/onboard/batches/${id}/cancel`)
      .set('Authorization', asUser('paula'));
    expect(again.status).toBe(200);
    expect(again.body.counts).toEqual(cancelled.body.counts);
    const wallet = (
      await h.request
        .get(`${API_BASE}/posture/api/default/wallet-api`)
        .set('Authorization', asUser('paula'))
    ).body;
    expect(wallet.status).toBe('notOnboarded');
    await h.runScheduledTask('defender-apis-onboarding-queue');
    expect(puts(h)).toHaveLength(1);
  });

  it("lets a caller the policy allows defender-apis.batch.cancel read and cancel anyone's batch, and nobody else", async () => {
    h = await startHarness({
      // priya's policy allows everything (batch.cancel included); the others' is the owners' rule.
      policyDecision: user =>
        user === 'user:default/priya' ? 'ALLOW' : 'OWNER',
      config: { onboarding: { pace: '1h' } },
      refreshed: true,
    });
    const res = await h.request
      .post(`${API_BASE}/onboard`)
      .set('Authorization', asUser('paula'))
      .send({
        entityRefs: [apiRef('notifications-api'), apiRef('wallet-api')],
      });
    expect(res.status).toBe(202);
    const id = res.body.id;
    for (const method of ['get', 'delete'] as const) {
      expect(
        (
          await h.request[method](`${API_BASE}/onboard/batches/${id}`).set(
            'Authorization',
            asUser('carl'),
          )
        ).status,
      ).toBe(404);
    }
    const read = await h.request
      .get(`${API_BASE}/onboard/batches/${id}`)
      .set('Authorization', asUser('priya'));
    expect(read.status).toBe(200);
    expect(read.body.requestedBy).toBe('user:default/paula');
    const cancelled = await h.request
      .delete(`${API_BASE}/onboard/batches/${id}`)
      .set('Authorization', asUser('priya'));
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.cancelledAt).toBeDefined();
    expect(cancelled.body.counts).toEqual(
      expect.objectContaining({ cancelled: 1, pending: expect.any(Number) }),
    );
    // The requester sees the cancellation.
    expect((await batchOf(h, id)).cancelledAt).toBe(cancelled.body.cancelledAt);
  });

  it('starts the operations of one service at the pace, without the browser', async () => {
    h = await startHarness({
      config: { onboarding: { pace: '2s' } },
      refreshed: true,
    });
    const res = await h.request
      .post(`${API_BASE}/onboard`)
      .set('Authorization', asUser('paula'))
      .send({
        entityRefs: [apiRef('wallet-api'), apiRef('notifications-api')],
      });
    expect(res.status).toBe(202);
    // Nobody polls or clicks again: the backend carries the batch out on its own.
    await eventually(
      async () =>
        expect((await batchOf(h, res.body.id)).counts).toEqual(
          expect.objectContaining({ pending: 0, failed: 1, succeeded: 1 }),
        ),
      30_000,
    );
    const [first, second] = puts(h).map(r => Date.parse(r.timestamp));
    expect(second - first).toBeGreaterThanOrEqual(1_900);
  });

  it('does not count a batch against the per-user limit of single requests', async () => {
    h = await startHarness({
      config: { onboarding: { pace: '1h', maxQueuedPerUser: 1 } },
      refreshed: true,
    });
    const res = await h.request
      .post(`${API_BASE}/onboard`)
      .set('Authorization', asUser('paula'))
      .send({
        entityRefs: [apiRef('wallet-api'), apiRef('notifications-api')],
      });
    expect(res.body.items.map((i: any) => i.outcome)).toEqual([
      'queued',
      'queued',
    ]);
  });

  it.each([
    [
      'no entityRefs',
      {},
      'expected { "entityRefs": [...] } with 1 to 500 API entity refs, found null',
    ],
    ['no refs', { entityRefs: [] }, 'found 0 refs'],
    [
      '501 refs',
      { entityRefs: Array.from({ length: 501 }, (_, i) => apiRef(`api-${i}`)) },
      'found 501 refs',
    ],
    [
      'a component ref',
      { entityRefs: ['component:default/x'] },
      'expected an API entity ref such as api:default/payments-api, found "component:default/x"',
    ],
    ['a number', { entityRefs: [42] }, 'found 42'],
  ])(
    'answers a body with %s with 400 saying what was expected',
    async (_label, body, message) => {
      h = await startHarness();
      const res = await h.request
        .post(`${API_BASE}/onboard`)
        .set('Authorization', asUser('paula'))
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
      expect(puts(h)).toEqual([]);
    },
  );

  it('answers a malformed batch id with 400 and an unknown one with 404', async () => {
    h = await startHarness();
    expect(
      (
        await h.request
          .get(`${API_BASE}/onboard/batches/..%2Fx`)
          .set('Authorization', asUser('paula'))
      ).status,
    ).toBe(400);
    const unknown = await h.request
      .get(`${API_BASE}/onboard/batches/00000000-0000-4000-8000-000000000000`)
      .set('Authorization', asUser('paula'));
    expect(unknown.status).toBe(404);
  });
});
