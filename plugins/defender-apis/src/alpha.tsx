import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { compatWrapper } from '@backstage/core-compat-api';

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
 * The Defender for APIs frontend plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'defender-apis',
  extensions: [defenderApisEntityCard],
});
