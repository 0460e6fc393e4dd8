// packages/backend/src/index.ts, before backend.start()
backend.add(
  import('@red-hat-developer-hub/backstage-plugin-scorecard-backend'),
);
backend.add(
  import('@defender-apis/plugin-defender-apis-backend-module-scorecard'),
);
