export { DefenderApisClient } from './DefenderApisClient';
export type {
  DefenderApisApi,
  DefenderApisRequestOptions,
} from './DefenderApisApi';
export { postureListPages } from './postureListPages';
export { describeBackendFailure } from './describeBackendFailure';
