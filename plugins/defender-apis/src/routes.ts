import { createRouteRef } from '@backstage/core-plugin-api';

/** The route of the governance page; `defenderApisPlugin.routes.root` outside the plugin. */
export const rootRouteRef = createRouteRef({ id: 'defender-apis' });
