export { EntityDefenderApisOverviewCard } from './EntityDefenderApisOverviewCard';
export type { EntityDefenderApisOverviewCardProps } from './EntityDefenderApisOverviewCard';
