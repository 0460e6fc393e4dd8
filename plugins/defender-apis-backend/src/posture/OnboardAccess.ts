import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { defenderApisOnboardPermission } from '@defender-apis/plugin-defender-apis-common';
import { ownersOf } from './mapping';

/**
 * Decides who may onboard an API. With the permission framework enabled the policy decides
 * on `defender-apis.api.onboard` with the entity as resource (this repository's policy grants
 * it to owners; an organisation can widen it). Without it, only the entity's owners may:
 * the user's ownership refs against the entity's `ownedBy` relations.
 */
export class OnboardAccess {
  constructor(
    private readonly options: {
      auth: AuthService;
      permissions: PermissionsService;
      userInfo: UserInfoService;
      permissionFrameworkEnabled: boolean;
    },
  ) {}

  async canOnboard(entity: Entity, credentials: BackstageCredentials): Promise<boolean> {
    const { auth, permissions, userInfo, permissionFrameworkEnabled } = this.options;
    if (!auth.isPrincipal(credentials, 'user')) return false;
    if (permissionFrameworkEnabled) {
      const [decision] = await permissions.authorize(
        [{ permission: defenderApisOnboardPermission, resourceRef: stringifyEntityRef(entity) }],
        { credentials },
      );
      return decision.result === AuthorizeResult.ALLOW;
    }
    const { ownershipEntityRefs } = await userInfo.getUserInfo(credentials);
    const mine = new Set(ownershipEntityRefs.map(r => r.toLowerCase()));
    return ownersOf(entity).some(owner => mine.has(owner.toLowerCase()));
  }
}
