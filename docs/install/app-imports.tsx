// packages/app/src/App.tsx
import { DefenderApisGovernancePage } from '@defender-apis/plugin-defender-apis';
