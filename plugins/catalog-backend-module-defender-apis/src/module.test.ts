import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { ShadowApi } from '@defender-apis/plugin-defender-apis-common';
import { JsonObject } from '@backstage/types';
import express from 'express';
import request from 'supertest';
import catalogModuleDefenderApisShadowApis from './index';

jest.setTimeout(60_000);

const API_ID =
  '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.ApiManagement/service/contoso-apim/apis/orders-api';

const SHADOW: ShadowApi = {
  resourceId: API_ID,
  subscriptionId: '11111111-1111-1111-1111-111111111111',
  resourceGroup: 'rg',
  serviceName: 'contoso-apim',
  apiId: 'orders-api',
  displayName: 'Orders API',
  onboarded: false,
  applicable: true,
  portalUrl: `https://portal.azure.com/#resource${API_ID}`,
  readAt: '2026-12-07T09:00:00.000Z',
};

interface Served {
  requests: Array<{ path: string; query: unknown; subject?: string }>;
}

/** Stands in for the Defender for APIs backend: one shadow API, no postures of the owner. */
function fakeDefenderApisPlugin(served: Served) {
  return createBackendPlugin({
    pluginId: 'defender-apis',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
        },
        async init({ httpRouter, httpAuth }) {
          const router = express.Router();
          router.use(async (req, _res, next) => {
            const credentials = await httpAuth.credentials(req, {
              allow: ['service'],
            });
            served.requests.push({
              path: req.path,
              query: req.query,
              subject: credentials.principal.subject,
            });
            next();
          });
          router.get('/shadow-apis', (_req, res) => {
            res.json({ items: [SHADOW], totalItems: 1, limit: 500 });
          });
          router.get('/posture', (_req, res) => {
            res.json({
              items: [],
              totalItems: 0,
              limit: 500,
              pending: 0,
              complete: true,
            });
          });
          httpRouter.use(router);
        },
      });
    },
  });
}

async function start(served: Served, shadowApiEntities?: JsonObject) {
  return startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleDefenderApisShadowApis,
      fakeDefenderApisPlugin(served),
      mockServices.scheduler.factory({
        includeInitialDelayedTasksOnStartup: true,
      }),
      mockServices.rootConfig.factory({
        data: shadowApiEntities ? { defenderApis: { shadowApiEntities } } : {},
      }),
    ],
  });
}

describe('catalogModuleDefenderApisShadowApis', () => {
  it('registers the shadow APIs of the configured services in the catalog, as the catalog plugin', async () => {
    const served: Served = { requests: [] };
    const backend = await start(served, {
      enabled: true,
      services: ['contoso-apim'],
      owner: 'group:default/platform',
    });
    try {
      const path =
        '/api/catalog/entities/by-name/api/default/shadow-contoso-apim-orders-api';
      let response = await request(backend.server)
        .get(path)
        .set('Authorization', mockCredentials.user.header());
      for (let i = 0; i < 100 && response.status !== 200; i++) {
        await new Promise(resolve => setTimeout(resolve, 200));
        response = await request(backend.server)
          .get(path)
          .set('Authorization', mockCredentials.user.header());
      }
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        kind: 'API',
        metadata: {
          title: 'Orders API',
          annotations: { 'azure.com/api-management-api': API_ID },
        },
        spec: { owner: 'group:default/platform', lifecycle: 'production' },
      });
      expect(served.requests).toContainEqual({
        path: '/shadow-apis',
        query: expect.objectContaining({ service: 'contoso-apim' }),
        subject: 'plugin:catalog',
      });
    } finally {
      await backend.stop();
    }
  });

  it('registers nothing and asks nothing unless enabled', async () => {
    const served: Served = { requests: [] };
    const backend = await start(served, {
      services: ['contoso-apim'],
      owner: 'group:default/platform',
    });
    await backend.stop();
    expect(served.requests).toEqual([]);
  });

  it.each([
    [
      { enabled: true, owner: 'group:default/platform' },
      'Invalid configuration at defenderApis.shadowApiEntities.services: expected at least one API Management service name, found null',
    ],
    [
      { enabled: true, services: ['contoso-apim'], owner: 'group:' },
      'Invalid configuration at defenderApis.shadowApiEntities.owner: expected the entity ref of the owning group or user, e.g. group:default/platform, found "group:"',
    ],
    [
      {
        enabled: true,
        services: ['contoso-apim'],
        owner: 'platform',
        frequency: '10s',
      },
      'Invalid configuration at defenderApis.shadowApiEntities.frequency: expected a duration of at least 1 minute, e.g. 30m, found "10s"',
    ],
  ])(
    'stops the backend on a bad configuration, saying what it expected (%j)',
    async (config, message) => {
      await expect(start({ requests: [] }, config)).rejects.toThrow(message);
    },
  );
});
