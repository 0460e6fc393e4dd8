// packages/backend/src/index.ts, before backend.start()
backend.add(
  import('@defender-apis/plugin-catalog-backend-module-defender-apis'),
);
