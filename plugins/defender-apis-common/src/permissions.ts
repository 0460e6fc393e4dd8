import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Onboard a catalog API entity to Defender for APIs. A resource permission on the catalog
 * entity, so a permission policy can grant it conditionally (by default: to the entity's
 * owners) or widen it, e.g. to a platform team.
 *
 * @public
 */
export const defenderApisOnboardPermission = createPermission({
  name: 'defender-apis.api.onboard',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** All permissions of the Defender for APIs plugins. @public */
export const defenderApisPermissions = [defenderApisOnboardPermission];
