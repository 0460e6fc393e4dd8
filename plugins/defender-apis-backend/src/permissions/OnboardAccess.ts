import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { defenderApisOnboardPermission } from '@defender-apis/plugin-defender-apis-common';
import { CallerDecisions } from './CallerDecisions';
import { ownersOf } from '../model/mapping';

/** Whether the caller may onboard the entity, once the entity is in hand. */
export type OnboardVerdict = (entity: Entity) => boolean;

const allow: OnboardVerdict = () => true;
const deny: OnboardVerdict = () => false;

/**
 * Decides who may onboard an API. With the permission framework enabled the policy decides
 * on `defender-apis.api.onboard` with the entity as resource (this repository's policy grants
 * it to owners; an organisation can widen it): an unconditional decision holds for every
 * entity; a conditional one is applied by the permission framework, which asks the catalog,
 * whose rules they are. Without the framework, only the entity's owners may: the user's
 * ownership refs against the entity's `ownedBy` relations.
 */
export class OnboardAccess {
  constructor(
    private readonly options: {
      auth: AuthService;
      permissions: PermissionsService;
      decisions: CallerDecisions;
      userInfo: UserInfoService;
      permissionFrameworkEnabled: boolean;
    },
  ) {}

  /**
   * The caller's verdicts on the given entity refs, in their order, found without the
   * entities so they can be asked while the entities are read: at most one request to the
   * permission framework for all of them.
   */
  async decide(
    entityRefs: string[],
    credentials: BackstageCredentials,
  ): Promise<OnboardVerdict[]> {
    const {
      auth,
      permissions,
      decisions,
      userInfo,
      permissionFrameworkEnabled,
    } = this.options;
    if (!auth.isPrincipal(credentials, 'user'))
      return entityRefs.map(() => deny);
    if (!permissionFrameworkEnabled) {
      const { ownershipEntityRefs } = await userInfo.getUserInfo(credentials);
      const mine = new Set(ownershipEntityRefs.map(r => r.toLowerCase()));
      const isMine: OnboardVerdict = entity =>
        ownersOf(entity).some(owner => mine.has(owner.toLowerCase()));
      return entityRefs.map(() => isMine);
    }
    const { onboard } = await decisions.get(credentials);
    if (onboard.result !== AuthorizeResult.CONDITIONAL) {
      const verdict = onboard.result === AuthorizeResult.ALLOW ? allow : deny;
      return entityRefs.map(() => verdict);
    }
    if (entityRefs.length === 0) return [];
    const results = await permissions.authorize(
      entityRefs.map(resourceRef => ({
        permission: defenderApisOnboardPermission,
        resourceRef,
      })),
      { credentials },
    );
    return results.map(({ result }) =>
      result === AuthorizeResult.ALLOW ? allow : deny,
    );
  }
}
