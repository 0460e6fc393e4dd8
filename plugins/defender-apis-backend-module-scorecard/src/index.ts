/**
 * Scorecard (Red Hat Developer Hub) backend module with metric providers for the Microsoft
 * Defender for APIs posture of catalog APIs, groups, systems and domains, read from the
 * Defender for APIs backend.
 *
 * @packageDocumentation
 */
export { scorecardModuleDefenderApis as default } from './module';
export { DEFENDER_APIS_DATASOURCE_ID } from './metrics';
