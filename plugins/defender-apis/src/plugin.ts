import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { defenderApisApiRef, DefenderApisClient } from './api';
import { rootRouteRef } from './routes';

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
  routes: {
    root: rootRouteRef,
  },
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

/**
 * Card for Group and System entity pages: Defender for APIs coverage of the APIs the group
 * owns or that are part of the system, counts by posture status, the at-risk, conflicting and
 * unprotected APIs linked to their pages, and gradual onboarding of the unprotected ones (the
 * backend decides for each API whether the viewer may).
 *
 * @public
 */
export const EntityDefenderApisOverviewCard = defenderApisPlugin.provide(
  createComponentExtension({
    name: 'EntityDefenderApisOverviewCard',
    component: {
      lazy: () =>
        import('./components/EntityDefenderApisOverviewCard').then(
          m => m.EntityDefenderApisOverviewCard,
        ),
    },
  }),
);

/**
 * The governance page: every API of the catalog with its Defender for APIs posture, coverage
 * overall and per owner, filters, sorting and CSV export. Mount it on a route of the app, e.g.
 * `/defender-apis`.
 *
 * @public
 */
export const DefenderApisGovernancePage = defenderApisPlugin.provide(
  createRoutableExtension({
    name: 'DefenderApisGovernancePage',
    component: () =>
      import('./components/DefenderApisGovernancePage').then(
        m => m.DefenderApisGovernancePage,
      ),
    mountPoint: rootRouteRef,
  }),
);
