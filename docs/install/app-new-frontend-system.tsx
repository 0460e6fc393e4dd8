// packages/app/src/App.tsx (new frontend system). With feature discovery
// (app.packages: all) adding the package to packages/app is enough.
import { createApp } from '@backstage/frontend-defaults';
import defenderApisPlugin from '@defender-apis/plugin-defender-apis/alpha';

const app = createApp({
  // the card on API pages, the overview card on Group and System pages,
  // the governance page at /defender-apis and the backend client
  features: [defenderApisPlugin],
});

export default app.createRoot();
