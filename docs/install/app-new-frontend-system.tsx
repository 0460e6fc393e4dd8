// packages/app/src/App.tsx (new frontend system), only for apps without
// feature discovery: list the plugin among the app's features.
import { createApp } from '@backstage/frontend-defaults';
import defenderApisPlugin from '@defender-apis/plugin-defender-apis/alpha';

export default createApp({
  // your other features, then: the card on API pages, the overview card on
  // Group and System pages, the governance page at /defender-apis (with its
  // nav item) and the backend client
  features: [defenderApisPlugin],
});
