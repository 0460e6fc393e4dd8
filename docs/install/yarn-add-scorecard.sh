# from your Backstage root
yarn --cwd packages/backend add @defender-apis/plugin-defender-apis-backend-module-scorecard @red-hat-developer-hub/backstage-plugin-scorecard-backend
