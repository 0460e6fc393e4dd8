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

/**
 * Offboard a catalog API entity's API from Defender for APIs: remove its
 * `Microsoft.Security/apiCollections` resource, which ends threat detection and alerts for it.
 * A resource permission on the catalog entity like {@link defenderApisOnboardPermission}, kept
 * apart so a policy can let a team onboard but not offboard.
 *
 * @public
 */
export const defenderApisOffboardPermission = createPermission({
  name: 'defender-apis.api.offboard',
  attributes: { action: 'delete' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Read and cancel any user's onboarding batch (`GET` and `DELETE /onboard/batches/:id`), e.g.
 * for a platform team stopping a batch that should not go on. A basic permission: a requester
 * needs none for their own batches, and without the permission framework nobody else may.
 *
 * @public
 */
export const defenderApisBatchCancelPermission = createPermission({
  name: 'defender-apis.batch.cancel',
  attributes: { action: 'delete' },
});

/** All permissions of the Defender for APIs plugins. @public */
export const defenderApisPermissions = [
  defenderApisOnboardPermission,
  defenderApisOffboardPermission,
  defenderApisBatchCancelPermission,
];
