import { Entity } from '@backstage/catalog-model';
import { ANNOTATION_API_MANAGEMENT_API } from '@defender-apis/plugin-defender-apis-common';

/**
 * True for API entities that carry the `azure.com/api-management-api` annotation, for
 * `EntitySwitch`.
 *
 * @public
 */
export function isDefenderApisAvailable(entity: Entity): boolean {
  return (
    entity.kind.toLowerCase() === 'api' &&
    Boolean(entity.metadata.annotations?.[ANNOTATION_API_MANAGEMENT_API])
  );
}
