import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { permissionRules as catalogPermissionRules } from '@backstage/plugin-catalog-backend/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PermissionRule,
} from '@backstage/plugin-permission-node';
import { defenderApisOnboardPermission } from '@defender-apis/plugin-defender-apis-common';
import { CallerDecisions } from './CallerDecisions';
import { ownersOf } from '../model/mapping';

/** Decides for one entity whether the caller may onboard it. */
export type OnboardDecider = (entity: Entity) => Promise<boolean>;

const catalogRules = new Map<string, PermissionRule<Entity, unknown, string>>(
  Object.values(catalogPermissionRules).map(rule => [
    rule.name,
    rule as PermissionRule<Entity, unknown, string>,
  ]),
);

/** Applies a conditional decision to an entity with the catalog's own rules. */
const applyCatalogConditions = createConditionAuthorizer<Entity>({
  getRuleByName(name: string) {
    const rule = catalogRules.get(name);
    if (!rule) throw new Error(`Unknown catalog permission rule ${name}`);
    return rule;
  },
});

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
      decisions: CallerDecisions;
      userInfo: UserInfoService;
      permissionFrameworkEnabled: boolean;
    },
  ) {}

  async canOnboard(
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    return (await this.decider(credentials))(entity);
  }

  /**
   * What decides for this caller, found without the entity, so it can be asked while the
   * entity is read. A conditional decision is applied to the entity in hand with the catalog's
   * rules, without another round trip; only conditions on rules this plugin does not know go
   * back to the permission framework with the entity's ref.
   */
  async decider(credentials: BackstageCredentials): Promise<OnboardDecider> {
    const {
      auth,
      permissions,
      decisions,
      userInfo,
      permissionFrameworkEnabled,
    } = this.options;
    if (!auth.isPrincipal(credentials, 'user')) return async () => false;
    if (!permissionFrameworkEnabled) {
      const { ownershipEntityRefs } = await userInfo.getUserInfo(credentials);
      const mine = new Set(ownershipEntityRefs.map(r => r.toLowerCase()));
      return async entity =>
        ownersOf(entity).some(owner => mine.has(owner.toLowerCase()));
    }
    const decision = (await decisions.get(credentials)).onboard;
    return async entity => {
      try {
        return applyCatalogConditions(decision, entity);
      } catch {
        const [remote] = await permissions.authorize(
          [
            {
              permission: defenderApisOnboardPermission,
              resourceRef: stringifyEntityRef(entity),
            },
          ],
          { credentials },
        );
        return remote.result === AuthorizeResult.ALLOW;
      }
    };
  }
}
