export { DefenderApisGovernancePage } from './DefenderApisGovernancePage';
