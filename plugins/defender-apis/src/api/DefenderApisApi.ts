import { createApiRef } from '@backstage/core-plugin-api';
import {
  DefenderApisApi,
  PostureListQuery,
} from '@defender-apis/plugin-defender-apis-common';

// The client and its interface live in -common, where the Tech Insights module uses them too
// (the catalog-client pattern); the plugin keeps exporting their names.
export type { DefenderApisApi, PostureListQuery };

/** Reference to the {@link @defender-apis/plugin-defender-apis-common#DefenderApisApi}. @public */
export const defenderApisApiRef = createApiRef<DefenderApisApi>({
  id: 'plugin.defender-apis.service',
});
