// packages/backend/src/index.ts, before backend.start()
backend.add(import('@backstage-community/plugin-tech-insights-backend'));
backend.add(
  import('@backstage-community/plugin-tech-insights-backend-module-jsonfc'),
);
backend.add(
  import('@defender-apis/plugin-defender-apis-backend-module-tech-insights'),
);
