/**
 * Catalog backend module that registers the shadow APIs Microsoft Defender for APIs finds in
 * chosen Azure API Management services as API entities of a configured owner.
 *
 * @packageDocumentation
 */
export { catalogModuleDefenderApisShadowApis as default } from './module';
export { ShadowApiEntityProvider } from './ShadowApiEntityProvider';
export type { ShadowApiEntitiesSettings } from './config';
