/**
 * Frontend plugin for Microsoft Defender for APIs in Backstage.
 *
 * @packageDocumentation
 */
export {
  defenderApisPlugin,
  DefenderApisGovernancePage,
  EntityDefenderApisCard,
} from './plugin';
export type { EntityDefenderApisCardProps } from './components/EntityDefenderApisCard';
export type { DefenderApisGovernancePageProps } from './components/DefenderApisGovernancePage';
export { isDefenderApisAvailable } from './components/EntityDefenderApisCard/isDefenderApisAvailable';
export * from './api';
