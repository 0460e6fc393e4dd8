/**
 * Tech Insights backend module that turns the Microsoft Defender for APIs posture of catalog
 * APIs into facts, read from the Defender for APIs backend.
 *
 * @packageDocumentation
 */
export { techInsightsModuleDefenderApis as default } from './module';
export {
  DEFENDER_APIS_FACT_RETRIEVER_ID,
  defenderApisFactRetriever,
} from './defenderApisFactRetriever';
export type { DefenderApisFacts } from './defenderApisFactRetriever';
