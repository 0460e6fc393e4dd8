export { DefenderApisGovernancePage } from './DefenderApisGovernancePage';
export type { DefenderApisGovernancePageProps } from './DefenderApisGovernancePage';
