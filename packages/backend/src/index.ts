/*
 * The Backstage backend of this repository: catalog, guest sign-in, permissions and the
 * Defender for APIs plugin, Tech Insights with the Defender for APIs facts and checks, the
 * MCP actions backend serving the plugin's actions to agents, and notifications.
 * Development defaults live in app-config.yaml.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// Shadow APIs as catalog entities: off unless defenderApis.shadowApiEntities.enabled is true.
backend.add(
  import('@defender-apis/plugin-catalog-backend-module-defender-apis'),
);

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./permissionPolicy'));

backend.add(import('@defender-apis/plugin-defender-apis-backend'));
// Demo only: a past for the history charts (off unless defenderApisDemo.historyDays is set).
backend.add(import('./demoHistory'));

backend.add(import('@backstage-community/plugin-tech-insights-backend'));
backend.add(
  import('@backstage-community/plugin-tech-insights-backend-module-jsonfc'),
);
backend.add(
  import('@defender-apis/plugin-defender-apis-backend-module-tech-insights'),
);

backend.add(import('@backstage/plugin-mcp-actions-backend'));

// Notifications to the owners of APIs, delivered live through signals.
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

backend.start();
