import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scorecardMetricsExtensionPoint } from '@red-hat-developer-hub/backstage-plugin-scorecard-node';
import { DefenderApisMetricProvider } from './DefenderApisMetricProvider';
import { DefenderApisReadings } from './DefenderApisReadings';
import { DEFENDER_APIS_METRICS } from './metrics';

/**
 * Scorecard backend module (Red Hat Developer Hub's scorecard) that adds the Defender for APIs
 * metric providers. The scorecard backend schedules each (hourly by default;
 * `scorecard.plugins.defenderApis.<metric>.schedule`) and judges it by its thresholds
 * (`scorecard.plugins.defenderApis.<metric>.thresholds`, or the defaults).
 *
 * @public
 */
export const scorecardModuleDefenderApis = createBackendModule({
  pluginId: 'scorecard',
  moduleId: 'defender-apis',
  register(reg) {
    reg.registerInit({
      deps: {
        metrics: scorecardMetricsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ metrics, discovery, auth }) {
        const readings = new DefenderApisReadings({ discovery, auth });
        metrics.addMetricProvider(
          ...DEFENDER_APIS_METRICS.map(
            definition => new DefenderApisMetricProvider(definition, readings),
          ),
        );
      },
    });
  },
});
