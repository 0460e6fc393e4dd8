# from your Backstage root
yarn --cwd packages/backend add @defender-apis/plugin-catalog-backend-module-defender-apis
