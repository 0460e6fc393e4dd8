export { defenderApisApiRef } from './DefenderApisApi';
export type { DefenderApisApi, PostureListQuery } from './DefenderApisApi';
export { DefenderApisClient } from './DefenderApisClient';
