import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { techInsightsFactRetrieversExtensionPoint } from '@backstage-community/plugin-tech-insights-node';
import {
  DEFENDER_APIS_FACT_RETRIEVER_ID,
  defenderApisFactRetriever,
} from './defenderApisFactRetriever';

/**
 * Tech Insights backend module that adds the Defender for APIs fact retriever
 * (`defenderApisFactRetriever`). The tech-insights backend schedules it from
 * `techInsights.factRetrievers.defenderApisFactRetriever` (cadence, lifecycle, timeout,
 * initialDelay) and leaves it out when that entry is missing; the module warns then.
 *
 * @public
 */
export const techInsightsModuleDefenderApis = createBackendModule({
  pluginId: 'tech-insights',
  moduleId: 'defender-apis',
  register(reg) {
    reg.registerInit({
      deps: {
        retrievers: techInsightsFactRetrieversExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ retrievers, config, logger }) {
        retrievers.addFactRetrievers({
          [DEFENDER_APIS_FACT_RETRIEVER_ID]: defenderApisFactRetriever,
        });
        const key = `techInsights.factRetrievers.${DEFENDER_APIS_FACT_RETRIEVER_ID}`;
        if (!config.has(`${key}.cadence`)) {
          logger.warn(
            `The Defender for APIs fact retriever is not scheduled: the tech-insights backend runs only fact retrievers configured under ${key}. Add, for example, ${key}.cadence: '*/30 * * * *' and ${key}.lifecycle: { timeToLive: { days: 7 } }`,
          );
        }
      },
    });
  },
});
