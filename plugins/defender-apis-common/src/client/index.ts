export { DefenderApisClient } from './DefenderApisClient';
export type {
  DefenderApisApi,
  DefenderApisRequestOptions,
} from './DefenderApisApi';
