import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  defenderApisBatchCancelPermission,
  defenderApisOffboardPermission,
  defenderApisOnboardPermission,
} from '@defender-apis/plugin-defender-apis-common';

/** The group whose members may read and cancel anyone's onboarding batch. */
export const PLATFORM_TEAM = 'group:default/team-platform';

/**
 * This portal's permission policy: everything is allowed, except onboarding an API to
 * Defender for APIs and offboarding it, which only the API entity's owners may do, and
 * cancelling another user's onboarding batch, which only the platform team may do. An
 * organisation that wants a platform team to onboard or offboard any API widens that rule.
 */
export class PortalPermissionPolicy implements PermissionPolicy {
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (
      isPermission(request.permission, defenderApisOnboardPermission) ||
      isPermission(request.permission, defenderApisOffboardPermission)
    ) {
      return createCatalogConditionalDecision(
        request.permission,
        catalogConditions.isEntityOwner({
          claims: user?.info.ownershipEntityRefs ?? [],
        }),
      );
    }
    if (isPermission(request.permission, defenderApisBatchCancelPermission)) {
      return {
        result: user?.info.ownershipEntityRefs.includes(PLATFORM_TEAM)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'portal-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new PortalPermissionPolicy());
      },
    });
  },
});
