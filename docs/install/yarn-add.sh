# from your Backstage root
yarn --cwd packages/backend add @defender-apis/plugin-defender-apis-backend
yarn --cwd packages/app add @defender-apis/plugin-defender-apis
