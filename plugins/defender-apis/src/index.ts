/**
 * Frontend plugin for Microsoft Defender for APIs in Backstage.
 *
 * @packageDocumentation
 */
export {
  defenderApisPlugin,
  DefenderApisGovernancePage,
  EntityDefenderApisCard,
  EntityDefenderApisOverviewCard,
} from './plugin';
export type { EntityDefenderApisCardProps } from './components/EntityDefenderApisCard';
export type { EntityDefenderApisOverviewCardProps } from './components/EntityDefenderApisOverviewCard';
export type { DefenderApisGovernancePageProps } from './components/DefenderApisGovernancePage';
export { isDefenderApisAvailable } from './components/EntityDefenderApisCard/isDefenderApisAvailable';
export * from './api';
