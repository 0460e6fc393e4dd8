/**
 * Owner offboarding through the whole plugin against the ARM emulator, on a file SQLite
 * database and on PostgreSQL (when DEFENDER_APIS_TEST_POSTGRES_URL names a server, as
 * scripts/test.sh sets it): who may, one DELETE for a storm of requests, the posture written
 * again at once, and nothing lost when Azure fails.
 */
import { asUser, PluginHarness, startHarness } from './__testUtils__/harness';
import { pluginDatabases } from './__testUtils__/pluginDatabases';
import { retailWith } from './__testUtils__/retailScenario';

jest.setTimeout(120_000);

const databases = pluginDatabases('defender_offboard');

const onboardPath = (name: string) =>
  `/api/defender-apis/posture/api/default/${name}/onboard`;
const posturePath = (name: string) =>
  `/api/defender-apis/posture/api/default/${name}`;

async function statusOf(h: PluginHarness, name: string): Promise<string> {
  const res = await h.request
    .get(posturePath(name))
    .set('Authorization', asUser('paula'));
  expect(res.status).toBe(200);
  return res.body.status;
}

describe.each(databases)('offboarding on %s', (_name, database) => {
  let h: PluginHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('lets an owner offboard: one DELETE for a storm of requests, the posture not onboarded at once, audited with the caller', async () => {
    const logLines: string[] = [];
    h = await startHarness({
      database: database(),
      policyDecision: () => 'OWNER',
      refreshed: true,
      logLines,
    });
    expect(await statusOf(h, 'payments-api')).toBe('protected');

    // Someone else first: carl does not own payments-api.
    const refused = await h.request
      .delete(onboardPath('payments-api'))
      .set('Authorization', asUser('carl'));
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain(
      'Only the owners of api:default/payments-api may offboard it',
    );
    expect(h.armRequests('DELETE', 'apiCollections')).toEqual([]);

    // Two tabs, double clicks, a retry: 30 requests at once.
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        h.request
          .delete(onboardPath('payments-api'))
          .set('Authorization', asUser('paula')),
      ),
    );
    expect(
      answers
        .filter(a => a.status !== 200 && a.status !== 202)
        .map(a => [a.status, a.body]),
    ).toEqual([]);
    expect(h.armRequests('DELETE', 'apiCollections/payments-api')).toHaveLength(
      1,
    );
    const done = answers.filter(
      a => a.status === 200 && a.body.status === 'notOnboarded',
    );
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(done[0].body.reason).toContain('not onboarded');
    // Stored at once, without waiting for a refresh; the Onboard button is back.
    expect(await statusOf(h, 'payments-api')).toBe('notOnboarded');
    const access = await h.request
      .get(`${posturePath('payments-api')}/access`)
      .set('Authorization', asUser('paula'));
    expect(access.body).toEqual({ canOnboard: true, canOffboard: true });

    // The next refresh agrees with Azure, and a later request makes no DELETE.
    await h.runScheduledRefresh();
    expect(await statusOf(h, 'payments-api')).toBe('notOnboarded');
    const again = await h.request
      .delete(onboardPath('payments-api'))
      .set('Authorization', asUser('paula'));
    expect(again.status).toBe(200);
    expect(h.armRequests('DELETE', 'apiCollections')).toHaveLength(1);

    const audits = logLines
      .map(line => JSON.parse(line))
      .filter(l => l.eventId === 'api-offboard');
    expect(audits.length).toBeGreaterThan(0);
    const offboarded = audits.find(
      a => a.status === 'succeeded' && a.meta?.outcome === 'offboarded',
    );
    expect(offboarded).toMatchObject({
      severityLevel: 'high',
      actor: { actorId: 'user:default/paula' },
      meta: { entityRef: 'api:default/payments-api' },
    });
    expect(audits.find(a => a.status === 'failed')?.actor?.actorId).toBe(
      'user:default/carl',
    );
  });

  it('keeps the posture when Azure refuses the DELETE, says why with 503, and offboards on a retry', async () => {
    h = await startHarness({
      database: database(),
      refreshed: true,
    });
    const fault = h.emulator.addFault({
      match: { method: 'DELETE', pathPattern: 'apiCollections/payments-api$' },
      effect: { status: 500 },
    });
    const failed = await h.request
      .delete(onboardPath('payments-api'))
      .set('Authorization', asUser('paula'));
    expect(failed.status).toBe(503);
    expect(failed.body.error.message).toMatch(
      /api:default\/payments-api was not offboarded, its posture is unchanged: Azure Resource Manager answered 500/,
    );
    expect(await statusOf(h, 'payments-api')).toBe('protected');

    h.emulator.removeFault(fault.id);
    const retried = await h.request
      .delete(onboardPath('payments-api'))
      .set('Authorization', asUser('paula'));
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('notOnboarded');
  });

  it('refuses with 409 what cannot be offboarded: CSPM posture, an API not onboarded by the plan, a running onboarding', async () => {
    h = await startHarness({
      database: database(),
      scenario: retailWith({ cspm: true, apiPosture: true }),
      // The refusals below are the API's, not the caller's.
      policyDecision: () => 'ALLOW',
      refreshed: true,
    });
    expect(await statusOf(h, 'orders-api')).toBe('postureOnly');
    const cspm = await h.request
      .delete(onboardPath('orders-api'))
      .set('Authorization', asUser('paula'));
    expect(cspm.status).toBe(409);
    expect(cspm.body.error.message).toContain(
      'cannot be offboarded one by one',
    );
    expect(cspm.body.error.message).toContain('API posture extension');

    const unmapped = await h.request
      .delete(onboardPath('status-api'))
      .set('Authorization', asUser('paula'));
    expect(unmapped.status).toBe(400);

    // wallet-api is not onboarded: nothing to do, answered as done.
    const notOnboarded = await h.request
      .delete(onboardPath('wallet-api'))
      .set('Authorization', asUser('paula'));
    expect(notOnboarded.status).toBe(200);
    expect(notOnboarded.body.status).toBe('notOnboarded');

    // Onboarding wallet-api runs: offboarding waits for it.
    h.emulator.addFault({
      match: { method: 'PUT', pathPattern: 'apiCollections/wallet-api$' },
      effect: { delayMs: 4_000 },
      times: 1,
    });
    const onboard = await h.request
      .post(onboardPath('wallet-api'))
      .set('Authorization', asUser('paula'));
    expect(onboard.status).toBe(202);
    const during = await h.request
      .delete(onboardPath('wallet-api'))
      .set('Authorization', asUser('paula'));
    expect(during.status).toBe(409);
    expect(during.body.error.message).toContain('while its onboarding runs');
    expect(h.armRequests('DELETE', 'apiCollections')).toEqual([]);
  });

  it('lets a policy deny owners, and widen offboarding to anyone', async () => {
    h = await startHarness({
      database: database(),
      policyDecision: user => (user.endsWith('/priya') ? 'ALLOW' : 'DENY'),
      refreshed: true,
    });
    const owner = await h.request
      .delete(onboardPath('payments-api'))
      .set('Authorization', asUser('paula'));
    expect(owner.status).toBe(403);
    const platform = await h.request
      .delete(onboardPath('payments-api'))
      .set('Authorization', asUser('priya'));
    expect(platform.status).toBe(200);
    expect(platform.body.status).toBe('notOnboarded');
  });
});
