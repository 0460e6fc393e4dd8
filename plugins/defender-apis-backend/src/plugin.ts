import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { createRouter } from './service/router';

/**
 * The Defender for APIs backend plugin: maps catalog APIs to Azure API Management APIs,
 * reads their Defender for APIs posture and onboards them on an owner's request.
 *
 * @public
 */
export const defenderApisPlugin = createBackendPlugin({
  pluginId: 'defender-apis',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
      },
      async init({ httpRouter, logger }) {
        httpRouter.use(await createRouter({ logger }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
