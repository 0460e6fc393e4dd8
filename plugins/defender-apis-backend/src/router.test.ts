import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  ApiPosture,
  emptyAlerts,
} from '@defender-apis/plugin-defender-apis-common';
import express from 'express';
import request from 'supertest';
import { createRouter, RouterOptions } from './router';

const BATCH_ID = '0b3c2f0e-1d2a-4c5b-9e8f-7a6b5c4d3e2f';
const posture = (status: ApiPosture['status']): ApiPosture =>
  ({
    entityRef: 'api:default/payments-api',
    status,
    owners: ['group:default/team-payments'],
    alerts: emptyAlerts(),
    recommendations: [],
    stale: false,
  } as unknown as ApiPosture);
const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: { name: 'payments-api', namespace: 'default' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-payments' }],
};

/** The router with every service a double, behind Backstage's error middleware. */
async function routerWith(overrides: Partial<RouterOptions> = {}) {
  const services = {
    postures: {
      getEntityPosture: jest.fn(async () => ({
        entity,
        posture: posture('protected'),
      })),
      getEntity: jest.fn(async () => entity),
      listPostures: jest.fn(async () => ({
        items: [],
        totalItems: 0,
        limit: 0,
      })),
      summary: jest.fn(async () => ({ total: 0 } as any)),
    },
    onboarding: {
      request: jest.fn(async () => ({
        started: true,
        posture: posture('onboarding'),
      })),
      requestBatch: jest.fn(
        async (refs: string[]) => ({ id: BATCH_ID, refs } as any),
      ),
      getBatch: jest.fn(async () => ({ id: BATCH_ID } as any)),
      cancelBatch: jest.fn(async () => ({ id: BATCH_ID } as any)),
    },
    offboarding: {
      offboard: jest.fn(async () => ({
        offboarded: true,
        finished: true,
        posture: posture('notOnboarded'),
      })),
    },
    access: {
      decide: jest.fn(async (refs: string[]) =>
        refs.map(() => () => 'ownership' as const),
      ),
      decideActions: jest.fn(async () => ({
        onboard: () => 'ownership' as const,
        offboard: () => 'ownership' as const,
      })),
    },
  };
  const app = express();
  app.use(
    await createRouter({
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.none(),
      }),
      ...services,
      ...overrides,
    }),
  );
  app.use(
    MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    }).error(),
  );
  return { app, ...services };
}

const asUser = mockCredentials.user.header();

describe('router', () => {
  it('answers /health without credentials, with the refresh report', async () => {
    const { app } = await routerWith({
      refreshHealth: { report: () => ({ state: 'failed', lastFailedAt: 'x' }) },
    });
    const res = await request(app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ok',
      refresh: { state: 'failed', lastFailedAt: 'x' },
    });
  });

  it('serves the card, and refuses other kinds and bad names with 400 before any service', async () => {
    const { app, postures, access } = await routerWith();
    const card = await request(app)
      .get('/posture/api/default/payments-api')
      .set('Authorization', asUser);
    expect(card.status).toBe(200);
    expect(card.body).toEqual(posture('protected'));
    // The card's read asks no permission decision; the access route does.
    expect(access.decide).not.toHaveBeenCalled();
    for (const path of [
      '/posture/component/default/payments-api',
      '/posture/api/default/-bad',
      `/posture/api/default/${'a'.repeat(254)}`,
      // Each part valid, the whole ref longer than the plugin stores.
      `/posture/api/${'n'.repeat(120)}/${'a'.repeat(140)}`,
    ]) {
      for (const route of [path, `${path}/access`]) {
        const res = await request(app).get(route).set('Authorization', asUser);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(/expected|kind API only/);
      }
    }
    expect(postures.getEntityPosture).toHaveBeenCalledTimes(1);
    expect(postures.getEntity).not.toHaveBeenCalled();
  });

  it("answers the caller's access to one entity with the onboard and offboard decisions", async () => {
    const access = {
      decide: jest.fn(),
      decideActions: jest.fn(async () => ({
        onboard: (e: Entity) =>
          e.metadata.name === 'payments-api'
            ? ('ownership' as const)
            : undefined,
        offboard: () => undefined,
      })),
    };
    const { app, postures } = await routerWith({ access });
    const res = await request(app)
      .get('/posture/api/default/payments-api/access')
      .set('Authorization', asUser);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ canOnboard: true, canOffboard: false });
    expect(access.decideActions).toHaveBeenCalledWith(
      'api:default/payments-api',
      expect.anything(),
      ['onboard', 'offboard'],
    );
    expect(postures.getEntity).toHaveBeenCalledWith(
      'api:default/payments-api',
      expect.anything(),
    );
  });

  it('offboards with DELETE for users only: 200 once done, 202 while another request runs it', async () => {
    const { app, offboarding } = await routerWith();
    const done = await request(app)
      .delete('/posture/api/default/payments-api/onboard')
      .set('Authorization', asUser);
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('notOnboarded');
    expect(offboarding.offboard).toHaveBeenCalledWith(
      entity,
      expect.objectContaining({ principal: expect.anything() }),
      expect.anything(),
    );
    offboarding.offboard.mockResolvedValueOnce({
      offboarded: false,
      finished: false,
      posture: posture('protected'),
    });
    const running = await request(app)
      .delete('/posture/api/default/payments-api/onboard')
      .set('Authorization', asUser);
    expect(running.status).toBe(202);
    const service = await request(app)
      .delete('/posture/api/default/payments-api/onboard')
      .set('Authorization', mockCredentials.service.header());
    expect(service.status).toBe(403);
    expect(offboarding.offboard).toHaveBeenCalledTimes(2);
  });

  it('answers 401 without credentials and 404 for what the services do not find', async () => {
    const { app } = await routerWith({
      postures: {
        getEntityPosture: async () => {
          throw new NotFoundError('No entity api:default/gone in the catalog');
        },
        getEntity: jest.fn(),
        listPostures: jest.fn(),
        summary: jest.fn(),
      },
    });
    expect((await request(app).get('/posture')).status).toBe(401);
    const gone = await request(app)
      .get('/posture/api/default/gone')
      .set('Authorization', asUser);
    expect(gone.status).toBe(404);
    const unknown = await request(app)
      .put('/posture')
      .set('Authorization', asUser);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('No route PUT /posture');
  });

  it('validates list queries and hands the services the query with defaults', async () => {
    const { app, postures } = await routerWith();
    await request(app)
      .get('/posture?status=atRisk&status=conflict&owner=group:default/a')
      .set('Authorization', asUser)
      .expect(200);
    expect(postures.listPostures).toHaveBeenCalledWith(
      expect.objectContaining({
        status: ['atRisk', 'conflict'],
        owner: ['group:default/a'],
        sort: 'name',
        order: 'asc',
        offset: 0,
        limit: 100,
      }),
      expect.anything(),
    );
    for (const [query, message] of [
      ['limit=501', 'expected a whole number from 0 to 500, found "501"'],
      ['limit=1e2', 'found "1e2"'],
      ['status=bogus', 'expected one of protected'],
      ['sort=owner&sort=name', 'expected one of name'],
      ['cursor=abc&offset=2', 'give either cursor or offset'],
      [`system=${'s'.repeat(256)}`, 'at most 255 characters'],
    ]) {
      const res = await request(app)
        .get(`/posture?${query}`)
        .set('Authorization', asUser);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
    }
    expect(postures.listPostures).toHaveBeenCalledTimes(1);
  });

  it('takes coverage as the statuses of its kinds, met with status when both are given', async () => {
    const { app, postures } = await routerWith();
    const listed = async (query: string) => {
      postures.listPostures.mockClear();
      await request(app)
        .get(`/posture?${query}`)
        .set('Authorization', asUser)
        .expect(200);
      return (postures.listPostures.mock.calls[0] as any[])[0].status;
    };
    expect(await listed('coverage=postureOnly')).toEqual(['postureOnly']);
    expect((await listed('coverage=threatProtection')).sort()).toEqual([
      'atRisk',
      'awaitingData',
      'protected',
    ]);
    expect(
      await listed(
        'coverage=threatProtection&status=atRisk&status=notOnboarded',
      ),
    ).toEqual(['atRisk']);
    // Nothing is both: an empty list, which selects no posture.
    expect(await listed('coverage=postureOnly&status=atRisk')).toEqual([]);
    const bad = await request(app)
      .get('/posture?coverage=cspm')
      .set('Authorization', asUser);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain(
      'Invalid query parameter coverage: expected one of threatProtection, postureOnly, none',
    );
  });

  it('hands /summary the owners, systems and domains asked for, validated', async () => {
    const { app, postures } = await routerWith();
    const res = await request(app)
      .get('/summary?owner=group:default/a&domain=domain:default/d')
      .set('Authorization', asUser);
    expect(res.status).toBe(200);
    expect(postures.summary).toHaveBeenCalledWith(expect.anything(), {
      owner: ['group:default/a'],
      system: undefined,
      domain: ['domain:default/d'],
    });
    const bad = await request(app)
      .get(`/summary?system=${'s'.repeat(300)}`)
      .set('Authorization', asUser);
    expect(bad.status).toBe(400);
    expect(postures.summary).toHaveBeenCalledTimes(1);
  });

  it('answers 202 to an onboarding that started and 200 to one that did not', async () => {
    const { app, onboarding } = await routerWith();
    const onboard = () =>
      request(app)
        .post('/posture/api/default/payments-api/onboard')
        .set('Authorization', asUser);
    expect((await onboard()).status).toBe(202);
    onboarding.request.mockResolvedValueOnce({
      started: false,
      posture: posture('protected'),
    });
    expect((await onboard()).status).toBe(200);
  });

  it('takes a batch of 1 to 500 API refs, normalised and without repeats; refuses anything else with 400', async () => {
    const { app, onboarding } = await routerWith();
    const res = await request(app)
      .post('/onboard')
      .set('Authorization', asUser)
      .send({
        entityRefs: [
          'api:payments-api',
          'API:default/payments-api',
          'api:default/b',
        ],
      });
    expect(res.status).toBe(202);
    expect(onboarding.requestBatch.mock.calls[0][0]).toEqual([
      'api:default/payments-api',
      'api:default/b',
    ]);
    for (const body of [
      {},
      { entityRefs: [] },
      { entityRefs: ['component:default/a'] },
      {
        entityRefs: Array.from({ length: 501 }, (_, i) => `api:default/a${i}`),
      },
      { entityRefs: [42] },
      { entityRefs: [`api:${'n'.repeat(120)}/${'a'.repeat(140)}`] },
    ]) {
      const refused = await request(app)
        .post('/onboard')
        .set('Authorization', asUser)
        .send(body);
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toMatch(/^Invalid (body|entity ref)/);
    }
    expect(onboarding.requestBatch).toHaveBeenCalledTimes(1);
  });

  it('reads and cancels batches by their UUID, by DELETE and by the older POST form', async () => {
    const { app, onboarding } = await routerWith();
    await request(app)
      .get(`/onboard/batches/${BATCH_ID}`)
      .set('Authorization', asUser)
      .expect(200);
    await request(app)
      .delete(`/onboard/batches/${BATCH_ID}`)
      .set('Authorization', asUser)
      .expect(200);
    await request(app)
      .post(`/onboard/batches/${BATCH_ID}/cancel`)
      .set('Authorization', asUser)
      .expect(200);
    expect(onboarding.cancelBatch).toHaveBeenCalledTimes(2);
    const bad = await request(app)
      .get('/onboard/batches/not-a-uuid')
      .set('Authorization', asUser);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain(
      'expected the id POST /onboard answered',
    );
  });
});
