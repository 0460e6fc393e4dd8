import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  PostureList,
  PostureSummary,
} from '@defender-apis/plugin-defender-apis-common';
import { mockApiPosture as posture } from '@defender-apis/plugin-defender-apis-common/testUtils';
import scorecardPlugin from '@red-hat-developer-hub/backstage-plugin-scorecard-backend';
import { JsonObject } from '@backstage/types';
import express from 'express';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import scorecardModuleDefenderApis from './index';

function api(name: string, annotated = true): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: {
      name,
      annotations: annotated
        ? { 'azure.com/api-management-api': `contoso-apim/${name}` }
        : {},
    },
    spec: {
      type: 'openapi',
      owner: 'group:default/team-a',
      lifecycle: 'production',
    },
  };
}

function group(kind: 'Group' | 'System', name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name },
    spec:
      kind === 'Group'
        ? { type: 'team', children: [] }
        : { owner: 'group:default/team-a' },
  };
}

const PAGES: Record<string, PostureList> = {
  first: {
    items: [
      posture('payments-api', 'atRisk', {
        endpoints: {
          total: 14,
          unauthenticated: 2,
          inactive: 4,
          external: 1,
          sensitiveDataExposed: 3,
        },
        alerts: {
          active: 3,
          bySeverity: { high: 1, medium: 2, low: 0, informational: 0 },
          items: [],
        },
      }),
    ],
    totalItems: 2,
    limit: 500,
    nextCursor: 'cursor-2',
  },
  'cursor-2': {
    items: [
      posture('orders-api', 'notOnboarded', {
        reason: 'Not onboarded to Defender for APIs',
      }),
    ],
    totalItems: 2,
    limit: 500,
  },
};

const counts = (onboarded: number, applicable: number, total = applicable) => ({
  total,
  byStatus: {},
  onboarded,
  applicable,
});

const SUMMARY: Pick<PostureSummary, 'byOwner' | 'bySystem' | 'byDomain'> = {
  byOwner: { 'group:default/team-a': counts(1, 2, 3) },
  bySystem: { 'system:default/payments': counts(2, 2) },
  byDomain: {},
};

/** Stands in for the Defender for APIs backend: canned `GET /posture` pages and summary. */
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
              subject: credentials.principal.subject,
            });
            // Answered by the backend's own error handler, as the real plugin's failures are.
            next(served.failWith ? new Error('store unavailable') : undefined);
          });
          router.get('/posture', (req, res) => {
            const cursor =
              typeof req.query.cursor === 'string' ? req.query.cursor : 'first';
            res.json(PAGES[cursor]);
          });
          router.get('/summary', (_req, res) => {
            res.json(SUMMARY);
          });
          httpRouter.use(router);
        },
      });
    },
  });
}

interface Served {
  requests: Array<{ path: string; subject?: string }>;
  failWith?: boolean;
}

/**
 * The scorecard backend with this module, the fake Defender for APIs backend and a catalog;
 * every scorecard task (each metric's pull) runs once at start-up, before this returns.
 */
async function start(served: Served, config: JsonObject = {}) {
  return startTestBackend({
    features: [
      scorecardPlugin,
      scorecardModuleDefenderApis,
      fakeDefenderApisPlugin(served),
      catalogServiceMock.factory({
        entities: [
          api('payments-api'),
          api('orders-api'),
          api('sketch-api', false),
          group('Group', 'team-a'),
          group('System', 'payments'),
        ],
      }),
      mockServices.scheduler.factory({
        includeInitialDelayedTasksOnStartup: true,
      }),
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
}

type MetricResult = {
  id: string;
  result: {
    value: number | boolean | null;
    thresholdResult: { evaluation: string | null };
  };
  error?: string;
};

/** The scorecard's stored metrics of an entity, by metric id. */
async function metricsOf(
  server: Parameters<typeof request>[0],
  entityPath: string,
): Promise<Record<string, MetricResult>> {
  const response = await request(server)
    .get(`/api/scorecard/metrics/catalog/${entityPath}`)
    .set('Authorization', mockCredentials.user.header());
  expect(response.status).toBe(200);
  return Object.fromEntries(
    (response.body as MetricResult[]).map(r => [r.id, r]),
  );
}

describe('scorecardModuleDefenderApis', () => {
  it('gives the scorecard backend the metrics of APIs, groups and systems, judged by their thresholds', async () => {
    const served: Served = { requests: [] };
    const backend = await start(served);
    try {
      const payments = await metricsOf(
        backend.server,
        'api/default/payments-api',
      );
      // The scorecard's SQLite store gives a boolean back as 1 or 0.
      expect(payments['defenderApis.onboarded'].result).toMatchObject({
        value: 1,
        thresholdResult: { evaluation: 'success' },
      });
      expect(
        payments['defenderApis.unauthenticatedEndpoints'].result,
      ).toMatchObject({ value: 2, thresholdResult: { evaluation: 'error' } });
      expect(payments['defenderApis.activeHighAlerts'].result).toMatchObject({
        value: 1,
        thresholdResult: { evaluation: 'error' },
      });

      const orders = await metricsOf(backend.server, 'api/default/orders-api');
      expect(orders['defenderApis.onboarded'].result).toMatchObject({
        value: 0,
        thresholdResult: { evaluation: 'error' },
      });
      // No endpoint data and no threat detection: no value, and the reason, instead of a 0.
      expect(orders['defenderApis.unauthenticatedEndpoints'].error).toContain(
        'api:default/orders-api has no endpoint data from Defender (status notOnboarded: Not onboarded to Defender for APIs)',
      );
      expect(orders['defenderApis.activeHighAlerts'].error).toContain(
        'has no threat detection',
      );

      // An API without the annotation has no Defender posture to judge: no metric at all.
      expect(await metricsOf(backend.server, 'api/default/sketch-api')).toEqual(
        {},
      );

      const team = await metricsOf(backend.server, 'group/default/team-a');
      expect(team['defenderApis.coverage'].result).toMatchObject({
        value: 50,
        thresholdResult: { evaluation: 'warning' },
      });
      const system = await metricsOf(backend.server, 'system/default/payments');
      expect(system['defenderApis.coverage'].result).toMatchObject({
        value: 100,
        thresholdResult: { evaluation: 'success' },
      });

      // Every provider and entity shared one reading of each route (two pages of the list),
      // with the scorecard plugin's service credentials.
      expect(served.requests.map(r => r.path).sort()).toEqual([
        '/posture',
        '/posture',
        '/summary',
      ]);
      expect(new Set(served.requests.map(r => r.subject))).toEqual(
        new Set(['plugin:scorecard']),
      );
    } finally {
      await backend.stop();
    }
  });

  it("takes thresholds from scorecard.plugins.defenderApis.<metric>, as the README's configuration sets them", async () => {
    const readmeConfig = parseYaml(
      fs.readFileSync(
        path.resolve(
          __dirname,
          '../../../docs/install/app-config-scorecard.yaml',
        ),
        'utf8',
      ),
    );
    const backend = await start({ requests: [] }, readmeConfig);
    try {
      // 50 % is a warning by default, an error below the README's 80 %.
      const team = await metricsOf(backend.server, 'group/default/team-a');
      expect(team['defenderApis.coverage'].result).toMatchObject({
        value: 50,
        thresholdResult: { evaluation: 'error' },
      });
    } finally {
      await backend.stop();
    }
  });

  it('stores the reason for every entity when the Defender for APIs backend fails, reading it once', async () => {
    const served: Served = { requests: [], failWith: true };
    const backend = await start(served);
    try {
      const payments = await metricsOf(
        backend.server,
        'api/default/payments-api',
      );
      expect(payments['defenderApis.onboarded'].result.value).toBeNull();
      expect(payments['defenderApis.onboarded'].error).toContain(
        'Defender for APIs scorecard metrics: GET /api/defender-apis/posture failed with status 500 Internal Server Error: store unavailable',
      );
      const team = await metricsOf(backend.server, 'group/default/team-a');
      expect(team['defenderApis.coverage'].error).toContain(
        'GET /api/defender-apis/summary failed with status 500',
      );
      expect(served.requests.map(r => r.path).sort()).toEqual([
        '/posture',
        '/summary',
      ]);
    } finally {
      await backend.stop();
    }
  });
});
