/**
 * The Defender for APIs frontend plugin for Backstage's new frontend system: its API, the two
 * entity cards and the governance page as extensions.
 *
 * @packageDocumentation
 */

import {
  ApiBlueprint,
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  compatWrapper,
  convertLegacyRouteRef,
} from '@backstage/core-compat-api';
import SecurityIcon from '@material-ui/icons/Security';
import { defenderApisApiRef, DefenderApisClient } from './api';
import { rootRouteRef } from './routes';

/** The client of the plugin's backend (new frontend system). @alpha */
export const defenderApisApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: defenderApisApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new DefenderApisClient(deps),
    }),
});

/** The Defender for APIs card on API entity pages (new frontend system). @alpha */
export const defenderApisEntityCard = EntityCardBlueprint.make({
  name: 'defender-apis',
  params: {
    filter: 'kind:api',
    loader: () =>
      import('./components/EntityDefenderApisCard').then(m =>
        compatWrapper(<m.EntityDefenderApisCard />),
      ),
  },
});

/**
 * The Defender for APIs overview card on Group and System entity pages (new frontend system).
 * @alpha
 */
export const defenderApisOverviewEntityCard = EntityCardBlueprint.make({
  name: 'defender-apis-overview',
  params: {
    filter: { kind: { $in: ['group', 'system'] } },
    loader: () =>
      import('./components/EntityDefenderApisOverviewCard').then(m =>
        compatWrapper(<m.EntityDefenderApisOverviewCard />),
      ),
  },
});

/** The governance page at `/defender-apis` (new frontend system). @alpha */
export const defenderApisGovernancePage = PageBlueprint.make({
  params: {
    path: '/defender-apis',
    routeRef: convertLegacyRouteRef(rootRouteRef),
    title: 'Defender for APIs',
    icon: <SecurityIcon fontSize="inherit" />,
    // The page draws its own header.
    noHeader: true,
    loader: () =>
      import('./components/DefenderApisGovernancePage').then(m =>
        compatWrapper(<m.DefenderApisGovernancePage />),
      ),
  },
});

/**
 * The Defender for APIs frontend plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'defender-apis',
  title: 'Defender for APIs',
  icon: <SecurityIcon fontSize="inherit" />,
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
  extensions: [
    defenderApisApi,
    defenderApisEntityCard,
    defenderApisOverviewEntityCard,
    defenderApisGovernancePage,
  ],
});
