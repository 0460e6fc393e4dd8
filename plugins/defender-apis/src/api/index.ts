export { defenderApisApiRef } from './DefenderApisApi';
export type { DefenderApisApi } from './DefenderApisApi';
export { DefenderApisClient } from './DefenderApisClient';
