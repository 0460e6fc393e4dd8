import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  defenderApisBatchCancelPermission,
  defenderApisOffboardPermission,
  defenderApisOnboardPermission,
} from '@defender-apis/plugin-defender-apis-common';
import { CallerDecisions } from './CallerDecisions';
import { ownersOf } from '../model/mapping';
import { OnboardGrant } from '../model/onboardGrant';

/**
 * Whether the caller may act on the entity, once the entity is in hand: how (an owner, or by
 * the policy for every entity), or undefined when not.
 */
export type OnboardVerdict = (entity: Entity) => OnboardGrant | undefined;

/** What a caller asks to do with an entity's API. */
export type ApiAction = 'onboard' | 'offboard';

const PERMISSIONS = {
  onboard: defenderApisOnboardPermission,
  offboard: defenderApisOffboardPermission,
} as const;

const allow: OnboardVerdict = () => 'policy';
const deny: OnboardVerdict = () => undefined;
/** A conditional decision the framework applied: this repository's policy conditions on ownership. */
const allowAsOwner: OnboardVerdict = () => 'ownership';

/**
 * Decides who may onboard or offboard an API. With the permission framework enabled the
 * policy decides on `defender-apis.api.onboard` or `defender-apis.api.offboard` with the
 * entity as resource (this repository's policy grants both to owners; an organisation can
 * widen them): an unconditional decision holds for every entity; a conditional one is applied
 * by the permission framework, which asks the catalog, whose rules they are. Without the
 * framework, only the entity's owners may: the user's ownership refs against the entity's
 * `ownedBy` relations.
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
   * The caller's verdicts on the given entity refs for one action, in their order, found
   * without the entities so they can be asked while the entities are read: at most one
   * request to the permission framework for all of them.
   */
  async decide(
    entityRefs: string[],
    credentials: BackstageCredentials,
    action: ApiAction = 'onboard',
  ): Promise<OnboardVerdict[]> {
    return this.decideEach(
      entityRefs.map(entityRef => ({ entityRef, action })),
      credentials,
    );
  }

  /**
   * The caller's verdicts on each action on one entity, e.g. for the card's access question:
   * at most one request to the permission framework for all of them.
   */
  async decideActions<A extends ApiAction>(
    entityRef: string,
    credentials: BackstageCredentials,
    actions: readonly A[],
  ): Promise<Record<A, OnboardVerdict>> {
    const verdicts = await this.decideEach(
      actions.map(action => ({ entityRef, action })),
      credentials,
    );
    return Object.fromEntries(
      actions.map((action, i) => [action, verdicts[i]]),
    ) as Record<A, OnboardVerdict>;
  }

  /**
   * Whether the caller may read and cancel any user's onboarding batch: the policy's decision
   * on `defender-apis.batch.cancel`; without the framework, nobody but each batch's requester.
   */
  async mayCancelAnyBatch(credentials: BackstageCredentials): Promise<boolean> {
    const { auth, permissions, permissionFrameworkEnabled } = this.options;
    if (!permissionFrameworkEnabled || !auth.isPrincipal(credentials, 'user'))
      return false;
    const [decision] = await permissions.authorize(
      [{ permission: defenderApisBatchCancelPermission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  private async decideEach(
    questions: Array<{ entityRef: string; action: ApiAction }>,
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
      return questions.map(() => deny);
    if (!permissionFrameworkEnabled) {
      const { ownershipEntityRefs } = await userInfo.getUserInfo(credentials);
      const mine = new Set(ownershipEntityRefs.map(r => r.toLowerCase()));
      const isMine: OnboardVerdict = entity =>
        ownersOf(entity).some(owner => mine.has(owner.toLowerCase()))
          ? 'ownership'
          : undefined;
      return questions.map(() => isMine);
    }
    const decided = await decisions.get(credentials);
    const verdicts: Array<OnboardVerdict | undefined> = questions.map(
      ({ action }) => {
        const { result } = decided[action];
        if (result === AuthorizeResult.CONDITIONAL) return undefined;
        return result === AuthorizeResult.ALLOW ? allow : deny;
      },
    );
    // Conditional decisions are the catalog's to apply, through the framework: one request.
    const open = questions.flatMap((_q, i) => (verdicts[i] ? [] : [i]));
    if (open.length > 0) {
      const results = await permissions.authorize(
        open.map(i => ({
          permission: PERMISSIONS[questions[i].action],
          resourceRef: questions[i].entityRef,
        })),
        { credentials },
      );
      open.forEach((questionIndex, i) => {
        verdicts[questionIndex] =
          results[i].result === AuthorizeResult.ALLOW ? allowAsOwner : deny;
      });
    }
    return verdicts as OnboardVerdict[];
  }
}
