/**
 * Reliability: access. Who may read and onboard, decided by the backend whatever the caller
 * sends: no credentials, service tokens, non-owners, permission policies, entities the catalog
 * hides from a user, a burst of concurrent onboard requests, and secrets from configuration
 * that must reach no log line, no response and no frontend configuration.
 */
import { loadConfigSchema } from '@backstage/config-loader';
import {
  apiEntity,
  asService,
  asUser,
  demoEntities,
  eventually,
  MEMBERSHIPS,
  PluginHarness,
  startHarness,
  isAzureWrite,
} from '../__testUtils__/harness';

jest.setTimeout(180_000);

const BASE = '/api/defender-apis';
const posturePath = (name: string) => `${BASE}/posture/api/default/${name}`;
const onboardPath = (name: string) => `${posturePath(name)}/onboard`;
const PLATFORM = 'group:default/team-platform';

/** ARM writes the emulator saw: any method but GET. */
function writes(h: PluginHarness) {
  return h.emulator
    .requests()
    .filter(isAzureWrite)
    .map(r => `${r.method} ${r.path}`);
}

/** Waits until the onboarding of `name` has finished (whatever its outcome). */
async function settled(h: PluginHarness, name: string) {
  await eventually(async () => {
    const body = (
      await h.request
        .get(posturePath(name))
        .set('Authorization', asUser('paula'))
    ).body;
    expect(body.onboarding?.state).toMatch(/^(succeeded|failed)$/);
  });
}

describe('reliability: access', () => {
  describe('with the default rule (owners onboard)', () => {
    let h: PluginHarness;
    beforeEach(async () => {
      h = await startHarness({
        hiddenFrom: { 'api:default/wallet-api': ['user:default/carl'] },
        refreshed: true,
      });
    });
    afterEach(() => h.stop());

    it.each([
      ['GET', posturePath('wallet-api')],
      ['GET', posturePath('does-not-exist')],
      ['POST', onboardPath('wallet-api')],
      ['GET', `${BASE}/posture`],
      ['GET', `${BASE}/posture?status=protected`],
      ['GET', `${BASE}/summary`],
      ['PUT', posturePath('wallet-api')],
    ])(
      'answers %s %s without credentials with 401 in the error shape',
      async (method, path) => {
        const res = await h.request[
          method.toLowerCase() as 'get' | 'post' | 'put'
        ](path);
        expect(res.status).toBe(401);
        expect(res.body).toEqual(
          expect.objectContaining({
            error: expect.objectContaining({ name: 'AuthenticationError' }),
            response: { statusCode: 401 },
          }),
        );
        expect(writes(h)).toEqual([]);
      },
    );

    it.each([
      ['a malformed token', 'Bearer not-a-token'],
      ['a basic header', 'Basic dXNlcjpwYXNz'],
    ])(
      'answers a request with %s with 401, and nothing is written',
      async (_label, authorization) => {
        const res = await h.request
          .post(onboardPath('wallet-api'))
          .set('Authorization', authorization);
        expect(res.status).toBe(401);
        expect(writes(h)).toEqual([]);
      },
    );

    it('serves /health without credentials', async () => {
      const res = await h.request.get(`${BASE}/health`);
      expect(res.status).toBe(200);
      // Times and counts of the refreshes only: no reason, no entity, no Azure text.
      expect(res.body).toEqual({
        status: 'ok',
        refresh: expect.objectContaining({
          state: expect.stringMatching(/^(pending|ok|partial|failed)$/),
        }),
      });
      for (const key of Object.keys(res.body.refresh)) {
        expect([
          'state',
          'lastStartedAt',
          'lastCompletedAt',
          'lastFailedAt',
          'posturesFailed',
          'readVia',
          'readViaFallback',
        ]).toContain(key);
      }
    });

    it('refuses a service token on onboard with 403, and no PUT reaches Azure', async () => {
      const res = await h.request
        .post(onboardPath('wallet-api'))
        .set('Authorization', asService());
      expect(res.status).toBe(403);
      expect(res.body.error.name).toBe('NotAllowedError');
      expect(h.armRequests('PUT', 'apiCollections')).toEqual([]);
      expect(writes(h)).toEqual([]);
      // The service may still read.
      expect(
        (
          await h.request
            .get(posturePath('wallet-api'))
            .set('Authorization', asService())
        ).status,
      ).toBe(200);
    });

    it('refuses a non-owner with 403 saying who may, and Azure sees no write at all', async () => {
      // carl (team-checkout) does not own refunds-api (team-payments); rita owns nothing.
      for (const user of ['carl', 'rita', 'priya']) {
        const res = await h.request
          .post(onboardPath('refunds-api'))
          .set('Authorization', asUser(user));
        expect({ user, status: res.status }).toEqual({ user, status: 403 });
        expect(res.body.error.message).toContain(
          'Only the owners of api:default/refunds-api',
        );
        const access = (
          await h.request
            .get(`${posturePath('refunds-api')}/access`)
            .set('Authorization', asUser(user))
        ).body;
        expect(access).toEqual({ canOnboard: false, canOffboard: false });
      }
      // Owner refs compare case-insensitively, but a different user is not an owner.
      const res = await h.request
        .post(onboardPath('wallet-api'))
        .set('Authorization', asUser('paula-impostor'));
      expect(res.status).toBe(403);
      expect(writes(h)).toEqual([]);
    });

    it('answers 404 for an entity the catalog hides from the caller, exactly as for a missing one', async () => {
      const hidden = await h.request
        .get(posturePath('wallet-api'))
        .set('Authorization', asUser('carl'));
      const missing = await h.request
        .get(posturePath('wallet-apx'))
        .set('Authorization', asUser('carl'));
      expect(hidden.status).toBe(404);
      expect(hidden.body.error).toEqual({
        ...missing.body.error,
        message: missing.body.error.message.replace('wallet-apx', 'wallet-api'),
      });
      expect(JSON.stringify(hidden.body)).not.toMatch(
        /notOnboarded|contoso-payments-apim|team-payments/,
      );

      const onboard = await h.request
        .post(onboardPath('wallet-api'))
        .set('Authorization', asUser('carl'));
      expect(onboard.status).toBe(404);
      expect(writes(h)).toEqual([]);

      // Not in the caller's list or counts either (once refreshed); others still see it.
      await h.runScheduledRefresh();
      const carlsList = await h.request
        .get(`${BASE}/posture?limit=500`)
        .set('Authorization', asUser('carl'));
      const paulasList = await h.request
        .get(`${BASE}/posture?limit=500`)
        .set('Authorization', asUser('paula'));
      const refs = (res: typeof carlsList) =>
        res.body.items.map((p: { entityRef: string }) => p.entityRef);
      expect(refs(carlsList)).not.toContain('api:default/wallet-api');
      expect(refs(paulasList)).toContain('api:default/wallet-api');
      expect(carlsList.body.totalItems).toBe(paulasList.body.totalItems - 1);
      const carlsSummary = (
        await h.request
          .get(`${BASE}/summary`)
          .set('Authorization', asUser('carl'))
      ).body;
      const paulasSummary = (
        await h.request
          .get(`${BASE}/summary`)
          .set('Authorization', asUser('paula'))
      ).body;
      expect(carlsSummary.total).toBe(paulasSummary.total - 1);
      expect(carlsSummary.byOwner['group:default/team-payments'].total).toBe(
        paulasSummary.byOwner['group:default/team-payments'].total - 1,
      );
      expect(
        (
          await h.request
            .get(posturePath('wallet-api'))
            .set('Authorization', asUser('paula'))
        ).status,
      ).toBe(200);
    });

    it('makes exactly one PUT for 50 concurrent onboard requests, all answered 202 or 200', async () => {
      const answers = await Promise.all(
        Array.from({ length: 50 }, () =>
          h.request
            .post(onboardPath('wallet-api'))
            .set('Authorization', asUser('paula')),
        ),
      );
      expect(
        answers
          .filter(a => a.status !== 202 && a.status !== 200)
          .map(a => [a.status, a.body]),
      ).toEqual([]);
      expect(
        answers.filter(a => a.status === 202).length,
      ).toBeGreaterThanOrEqual(1);
      await settled(h, 'wallet-api');
      expect(
        (
          await h.request
            .get(posturePath('wallet-api'))
            .set('Authorization', asUser('paula'))
        ).body.status,
      ).toBe('awaitingData');
      expect(h.armRequests('PUT', 'apiCollections/wallet-api')).toHaveLength(1);
      expect(writes(h).filter(w => !w.startsWith('PUT '))).toEqual([]);
      // And a second burst after it finished makes none.
      const again = await Promise.all(
        Array.from({ length: 20 }, () =>
          h.request
            .post(onboardPath('wallet-api'))
            .set('Authorization', asUser('paula')),
        ),
      );
      expect(again.map(a => a.status)).toEqual(Array(20).fill(200));
      expect(h.armRequests('PUT', 'apiCollections/wallet-api')).toHaveLength(1);
    });
  });

  it('does not onboard an API twice when a second entity maps to it', async () => {
    const h = await startHarness({
      entities: [
        ...demoEntities(),
        apiEntity('wallet-api-alias', 'contoso-payments-apim/WALLET-API'),
      ],
      refreshed: true,
    });
    try {
      // Both entities are read before the onboarding, so both have stored "not onboarded".
      for (const name of ['wallet-api', 'wallet-api-alias']) {
        expect(
          (
            await h.request
              .get(posturePath(name))
              .set('Authorization', asUser('paula'))
          ).body.status,
        ).toBe('notOnboarded');
      }
      expect(
        (
          await h.request
            .post(onboardPath('wallet-api'))
            .set('Authorization', asUser('paula'))
        ).status,
      ).toBe(202);
      await settled(h, 'wallet-api');
      const alias = await h.request
        .post(onboardPath('wallet-api-alias'))
        .set('Authorization', asUser('paula'));
      expect(alias.status).toBe(200);
      expect(alias.body.status).toBe('awaitingData');
      expect(h.armRequests('PUT', 'apiCollections/wallet-api')).toHaveLength(1);
    } finally {
      await h.stop();
    }
  });

  describe('with a permission policy', () => {
    it('lets a policy widen onboarding to a platform group', async () => {
      const h = await startHarness({
        policyDecision: user =>
          (MEMBERSHIPS[user] ?? []).includes(PLATFORM) ? 'ALLOW' : 'DENY',
        refreshed: true,
      });
      try {
        // priya (team-platform) owns neither API; carl (team-checkout) is not in the group.
        const carl = await h.request
          .post(onboardPath('wallet-api'))
          .set('Authorization', asUser('carl'));
        expect(carl.status).toBe(403);
        expect(writes(h)).toEqual([]);
        const access = (
          await h.request
            .get(`${posturePath('wallet-api')}/access`)
            .set('Authorization', asUser('priya'))
        ).body;
        expect(access).toEqual({ canOnboard: true, canOffboard: true });
        const priya = await h.request
          .post(onboardPath('wallet-api'))
          .set('Authorization', asUser('priya'));
        expect(priya.status).toBe(202);
        expect(priya.body.onboarding).toEqual(
          expect.objectContaining({ requestedBy: 'user:default/priya' }),
        );
        await settled(h, 'wallet-api');
        expect(h.armRequests('PUT', 'apiCollections/wallet-api')).toHaveLength(
          1,
        );
      } finally {
        await h.stop();
      }
    });

    it('lets a policy deny owners', async () => {
      const h = await startHarness({ policyDecision: () => 'DENY' });
      try {
        const access = (
          await h.request
            .get(`${posturePath('wallet-api')}/access`)
            .set('Authorization', asUser('paula'))
        ).body;
        expect(access).toEqual({ canOnboard: false, canOffboard: false });
        const paula = await h.request
          .post(onboardPath('wallet-api'))
          .set('Authorization', asUser('paula'));
        expect(paula.status).toBe(403);
        expect(paula.body.error.name).toBe('NotAllowedError');
        expect(writes(h)).toEqual([]);
      } finally {
        await h.stop();
      }
    });
  });

  describe('secrets from configuration', () => {
    const SECRET = 'S3cr3t-value-that-must-not-leak';
    const credential = {
      type: 'clientSecret',
      tenantId: '33333333-3333-3333-3333-333333333333',
      clientId: '44444444-4444-4444-4444-444444444444',
      clientSecret: SECRET,
    };

    it('never appear in logs or responses, even when the credential fails', async () => {
      const logLines: string[] = [];
      const h = await startHarness({
        logLines,
        azure: { credential, requestTimeout: { seconds: 20 } },
      });
      const bodies: string[] = [];
      try {
        // Token acquisition fails (no network): the posture says so, with a reason.
        const posture = await h.request
          .get(posturePath('payments-api'))
          .set('Authorization', asUser('paula'));
        bodies.push(posture.text);
        expect(posture.status).toBe(200);
        expect(posture.body.status).toBe('error');
        expect(posture.body.reason).toMatch(/Azure call for .* failed/);
        for (const path of [
          posturePath('wallet-api'),
          `${BASE}/posture?limit=500`,
          `${BASE}/summary`,
          `${BASE}/health`,
        ]) {
          const res = await h.request
            .get(path)
            .set('Authorization', asUser('paula'));
          expect({ path, status: res.status }).toEqual({ path, status: 200 });
          bodies.push(res.text);
        }
        const onboard = await h.request
          .post(onboardPath('wallet-api'))
          .set('Authorization', asUser('paula'));
        // The state in Azure is unknown, so onboarding is refused for now.
        expect(onboard.status).toBe(503);
        expect(onboard.body.error.message).toContain(
          'unknown, try again later',
        );
        bodies.push(onboard.text);
        await h.runScheduledRefresh();
        bodies.push(
          (
            await h.request
              .get(`${BASE}/posture?limit=500`)
              .set('Authorization', asUser('paula'))
          ).text,
        );
      } finally {
        await h.stop();
      }
      // Nothing was sent to Azure without a token.
      expect(h.emulator.requests()).toEqual([]);
      expect(logLines.length).toBeGreaterThan(0);
      expect(logLines.filter(l => l.includes(SECRET))).toEqual([]);
      expect(bodies.filter(b => b.includes(SECRET))).toEqual([]);
      // Nor a recognisable part of it, e.g. in an escaped or truncated form.
      expect(
        [...logLines, ...bodies].filter(l => l.includes(SECRET.slice(0, 12))),
      ).toEqual([]);
    });

    it('are not in the configuration served to the frontend', async () => {
      const schema = await loadConfigSchema({
        dependencies: ['@defender-apis/plugin-defender-apis-backend'],
      });
      const data = {
        app: { baseUrl: 'http://localhost:3000', title: 'Test' },
        backend: {
          baseUrl: 'http://localhost:7007',
          listen: { port: 7007 },
          database: { client: 'better-sqlite3', connection: ':memory:' },
        },
        defenderApis: {
          azure: {
            resourceManagerEndpoint: 'https://management.azure.com',
            credential,
            requestTimeout: { seconds: 30 },
          },
          apiManagement: {
            services: [
              {
                name: 'contoso-payments-apim',
                subscriptionId: credential.tenantId,
                resourceGroup: 'rg-payments',
              },
            ],
          },
          refresh: { frequency: { minutes: 30 } },
        },
      };
      const process = (visibility: Array<'frontend' | 'backend' | 'secret'>) =>
        schema.process([{ data, context: 'test' }], { visibility });

      const frontend = process(['frontend']);
      expect(JSON.stringify(frontend)).not.toContain(SECRET);
      // No defenderApis key is marked frontend: the whole section stays on the backend.
      expect(frontend[0].data).not.toHaveProperty('defenderApis');
      expect(frontend[0].data).toEqual(
        expect.objectContaining({
          app: expect.objectContaining({ baseUrl: 'http://localhost:3000' }),
        }),
      );

      // The secret is marked as such: only the secret visibility carries it.
      expect(JSON.stringify(process(['backend']))).not.toContain(SECRET);
      expect(process(['backend'])[0].data).toEqual(
        expect.objectContaining({
          defenderApis: expect.objectContaining({
            azure: expect.objectContaining({
              resourceManagerEndpoint: 'https://management.azure.com',
              credential: {
                type: 'clientSecret',
                tenantId: credential.tenantId,
                clientId: credential.clientId,
              },
            }),
          }),
        }),
      );
      expect(process(['secret'])[0].data).toEqual(
        expect.objectContaining({
          defenderApis: { azure: { credential: { clientSecret: SECRET } } },
        }),
      );
    });
  });
});
