/**
 * Backend plugin for Microsoft Defender for APIs in Backstage.
 *
 * @packageDocumentation
 */
export { defenderApisPlugin as default } from './plugin';
