export { EntityDefenderApisCard } from './EntityDefenderApisCard';
