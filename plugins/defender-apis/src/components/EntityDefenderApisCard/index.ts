export { EntityDefenderApisCard } from './EntityDefenderApisCard';
export type { EntityDefenderApisCardProps } from './EntityDefenderApisCard';
