import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { readShadowApiEntitiesConfig } from './config';
import { ShadowApiEntityProvider } from './ShadowApiEntityProvider';

/**
 * Catalog backend module that registers the shadow APIs of chosen API Management services
 * (APIs no catalog entity maps to, as the Defender for APIs backend lists them) as API
 * entities of a configured owner. Off unless `defenderApis.shadowApiEntities.enabled` is true.
 *
 * @public
 */
export const catalogModuleDefenderApisShadowApis = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'defender-apis-shadow-apis',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ catalog, config, logger, scheduler, discovery, auth }) {
        const settings = readShadowApiEntitiesConfig(config);
        if (!settings) {
          logger.info(
            'Shadow APIs are not registered as catalog entities: defenderApis.shadowApiEntities.enabled is not true',
          );
          return;
        }
        catalog.addEntityProvider(
          new ShadowApiEntityProvider({
            settings,
            auth,
            discovery,
            logger,
            scheduler,
          }),
        );
      },
    });
  },
});
