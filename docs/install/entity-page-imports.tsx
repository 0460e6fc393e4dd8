// packages/app/src/components/catalog/EntityPage.tsx
import {
  EntityDefenderApisCard,
  EntityDefenderApisOverviewCard,
} from '@defender-apis/plugin-defender-apis';
