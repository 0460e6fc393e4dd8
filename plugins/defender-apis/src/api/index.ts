export { defenderApisApiRef } from './DefenderApisApi';
export type { DefenderApisApi, PostureListQuery } from './DefenderApisApi';
export { DefenderApisClient } from '@defender-apis/plugin-defender-apis-common';
