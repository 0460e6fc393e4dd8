import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  FactRetriever,
  FactRetrieverContext,
  techInsightsFactRetrieversExtensionPoint,
} from '@backstage-community/plugin-tech-insights-node';
import { PostureList } from '@defender-apis/plugin-defender-apis-common';
import { mockApiPosture as posture } from '@defender-apis/plugin-defender-apis-common/testUtils';
import { JsonObject } from '@backstage/types';
import express from 'express';
import techInsightsModuleDefenderApis, {
  DEFENDER_APIS_FACT_RETRIEVER_ID,
} from './index';

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
        // At risk for three days and a few hours.
        statusSince: new Date(Date.now() - 3.2 * 86_400_000).toISOString(),
      }),
      // Not at risk, however long it has had its status.
      posture('legacy-soap-api', 'notApplicable', {
        statusSince: '2020-01-01T00:00:00.000Z',
      }),
    ],
    totalItems: 3,
    limit: 500,
    nextCursor: 'cursor-2',
  },
  'cursor-2': {
    items: [posture('orders-api', 'notOnboarded', { stale: true })],
    totalItems: 3,
    limit: 500,
  },
};

interface Captured {
  retrievers: Record<string, FactRetriever>;
  context?: FactRetrieverContext;
}

/** Stands in for the tech-insights backend: collects retrievers and keeps its services. */
function fakeTechInsightsPlugin(captured: Captured) {
  return createBackendPlugin({
    pluginId: 'tech-insights',
    register(env) {
      env.registerExtensionPoint(techInsightsFactRetrieversExtensionPoint, {
        addFactRetrievers(retrievers) {
          Object.assign(captured.retrievers, retrievers);
        },
      });
      env.registerInit({
        deps: {
          config: coreServices.rootConfig,
          discovery: coreServices.discovery,
          logger: coreServices.logger,
          auth: coreServices.auth,
          urlReader: coreServices.urlReader,
        },
        async init(deps) {
          captured.context = deps;
        },
      });
    },
  });
}

interface Served {
  requests: Array<{ query: Record<string, unknown>; subject?: string }>;
  failWith?: boolean;
}

/** Stands in for the Defender for APIs backend: `GET /posture` answers canned pages. */
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
          router.get('/posture', async (req, res, next) => {
            const credentials = await httpAuth.credentials(req, {
              allow: ['service'],
            });
            served.requests.push({
              query: { ...req.query },
              subject: credentials.principal.subject,
            });
            if (served.failWith) {
              // Answered by the backend's own error handler, as the real plugin's failures are.
              next(new Error('store unavailable'));
              return;
            }
            const cursor =
              typeof req.query.cursor === 'string' ? req.query.cursor : 'first';
            res.json(PAGES[cursor]);
          });
          httpRouter.use(router);
        },
      });
    },
  });
}

async function start(
  served: Served,
  config: JsonObject = {
    techInsights: {
      factRetrievers: {
        defenderApisFactRetriever: { cadence: '*/30 * * * *' },
      },
    },
  },
) {
  const captured: Captured = { retrievers: {} };
  const logger = mockServices.logger.mock();
  const backend = await startTestBackend({
    features: [
      fakeTechInsightsPlugin(captured),
      fakeDefenderApisPlugin(served),
      techInsightsModuleDefenderApis,
      mockServices.rootConfig.factory({ data: config }),
      logger.factory,
    ],
  });
  return { backend, captured, logger };
}

describe('techInsightsModuleDefenderApis', () => {
  it('adds the retriever for API entities with its fact schema', async () => {
    const { backend, captured, logger } = await start({ requests: [] });
    try {
      const retriever = captured.retrievers[DEFENDER_APIS_FACT_RETRIEVER_ID];
      expect(retriever.id).toBe('defenderApisFactRetriever');
      expect(retriever.entityFilter).toEqual([{ kind: 'API' }]);
      expect(
        Object.fromEntries(
          Object.entries(retriever.schema).map(([k, v]) => [k, v.type]),
        ),
      ).toEqual({
        defenderApisStatus: 'string',
        defenderApisOnboarded: 'boolean',
        defenderApisApplicable: 'boolean',
        defenderApisUnauthenticatedEndpoints: 'integer',
        defenderApisSensitiveDataEndpoints: 'integer',
        defenderApisActiveAlerts: 'integer',
        defenderApisActiveHighAlerts: 'integer',
        defenderApisStale: 'boolean',
        defenderApisCoverage: 'string',
        defenderApisDaysAtRisk: 'integer',
      });
      expect(logger.warn).not.toHaveBeenCalled();
    } finally {
      await backend.stop();
    }
  });

  it('reads every page over HTTP with service credentials and derives the facts', async () => {
    const served: Served = { requests: [] };
    const { backend, captured } = await start(served);
    try {
      const retriever = captured.retrievers[DEFENDER_APIS_FACT_RETRIEVER_ID];
      const facts = await retriever.handler(captured.context!);

      expect(served.requests).toEqual([
        { query: { limit: '500' }, subject: 'plugin:tech-insights' },
        {
          query: { limit: '500', cursor: 'cursor-2' },
          subject: 'plugin:tech-insights',
        },
      ]);
      expect(facts).toEqual([
        {
          entity: { kind: 'api', namespace: 'default', name: 'payments-api' },
          facts: {
            defenderApisStatus: 'atRisk',
            defenderApisOnboarded: true,
            defenderApisApplicable: true,
            defenderApisUnauthenticatedEndpoints: 2,
            defenderApisSensitiveDataEndpoints: 3,
            defenderApisActiveAlerts: 3,
            defenderApisActiveHighAlerts: 1,
            defenderApisStale: false,
            defenderApisCoverage: 'threatProtection',
            defenderApisDaysAtRisk: 3,
          },
        },
        {
          entity: {
            kind: 'api',
            namespace: 'default',
            name: 'legacy-soap-api',
          },
          facts: {
            defenderApisStatus: 'notApplicable',
            defenderApisOnboarded: false,
            defenderApisApplicable: false,
            defenderApisUnauthenticatedEndpoints: 0,
            defenderApisSensitiveDataEndpoints: 0,
            defenderApisActiveAlerts: 0,
            defenderApisActiveHighAlerts: 0,
            defenderApisStale: false,
            defenderApisCoverage: 'none',
            defenderApisDaysAtRisk: 0,
          },
        },
        {
          entity: { kind: 'api', namespace: 'default', name: 'orders-api' },
          facts: {
            defenderApisStatus: 'notOnboarded',
            defenderApisOnboarded: false,
            defenderApisApplicable: true,
            defenderApisUnauthenticatedEndpoints: 0,
            defenderApisSensitiveDataEndpoints: 0,
            defenderApisActiveAlerts: 0,
            defenderApisActiveHighAlerts: 0,
            defenderApisStale: true,
            defenderApisCoverage: 'none',
            defenderApisDaysAtRisk: 0,
          },
        },
      ]);
    } finally {
      await backend.stop();
    }
  });

  it('fails with the status code when the Defender for APIs backend answers 500', async () => {
    const served: Served = { requests: [], failWith: true };
    const { backend, captured } = await start(served);
    try {
      const retriever = captured.retrievers[DEFENDER_APIS_FACT_RETRIEVER_ID];
      await expect(retriever.handler(captured.context!)).rejects.toThrow(
        'Defender for APIs fact retriever: GET /api/defender-apis/posture failed with status 500 Internal Server Error: store unavailable',
      );
      expect(served.requests).toHaveLength(1);
    } finally {
      await backend.stop();
    }
  });

  it('warns when the tech-insights backend has no schedule for the retriever', async () => {
    const { backend, logger } = await start({ requests: [] }, {});
    try {
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          'runs only fact retrievers configured under techInsights.factRetrievers.defenderApisFactRetriever',
        ),
      );
    } finally {
      await backend.stop();
    }
  });
});
