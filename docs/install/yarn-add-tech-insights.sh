# from your Backstage root
yarn --cwd packages/backend add @defender-apis/plugin-defender-apis-backend-module-tech-insights @backstage-community/plugin-tech-insights-backend @backstage-community/plugin-tech-insights-backend-module-jsonfc
