import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { defenderApisApiRef, DefenderApisClient } from './api';

/**
 * The Defender for APIs frontend plugin (legacy frontend system).
 *
 * @public
 */
export const defenderApisPlugin = createPlugin({
  id: 'defender-apis',
  apis: [
    createApiFactory({
      api: defenderApisApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new DefenderApisClient(deps),
    }),
  ],
});

/**
 * Card with the Defender for APIs posture of the current API entity.
 *
 * @public
 */
export const EntityDefenderApisCard = defenderApisPlugin.provide(
  createComponentExtension({
    name: 'EntityDefenderApisCard',
    component: {
      lazy: () =>
        import('./components/EntityDefenderApisCard').then(
          m => m.EntityDefenderApisCard,
        ),
    },
  }),
);
