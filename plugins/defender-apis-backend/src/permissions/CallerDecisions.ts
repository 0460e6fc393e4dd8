import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { PolicyDecision } from '@backstage/plugin-permission-common';
import {
  defenderApisOffboardPermission,
  defenderApisOnboardPermission,
} from '@defender-apis/plugin-defender-apis-common';
import { SharedReads } from '../util/SharedReads';

/**
 * How long a user's decisions are reused. They need only the user, and every card view asks
 * for them: reusing them briefly spares the permission backend a request per view. A policy
 * change reaches a user's cards and lists within this time.
 */
export const DECISION_TTL_MS = 10_000;

/**
 * When a user's decisions are asked again in the background while the current ones still
 * serve: a user with requests in flight never waits for the permission backend (without it,
 * every request of a busy user queued behind one round trip each time the decisions expired).
 */
const DECISION_RENEW_AFTER_MS = DECISION_TTL_MS / 2;

/** What the permission framework decided for one caller, without a resource. */
export interface CallerDecision {
  /** On reading catalog entities (`catalog.entity.read`). */
  catalogRead: PolicyDecision;
  /** On onboarding APIs (`defender-apis.api.onboard`). */
  onboard: PolicyDecision;
  /** On offboarding APIs (`defender-apis.api.offboard`). */
  offboard: PolicyDecision;
}

/**
 * The caller's decisions on catalog reads, onboarding and offboarding, asked together in one request to
 * the permission framework and reused per user for {@link DECISION_TTL_MS}, renewed in the
 * background from half that age. Service callers
 * are decided locally by the framework (their access restrictions), so they are not reused.
 */
export class CallerDecisions {
  private readonly byUser = new SharedReads<CallerDecision>(DECISION_TTL_MS, {
    renewAfterMs: DECISION_RENEW_AFTER_MS,
  });

  constructor(
    private readonly options: {
      auth: AuthService;
      permissions: PermissionsService;
    },
  ) {}

  /** The caller's decisions, shared with the caller's other requests of the last seconds. */
  get(credentials: BackstageCredentials): Promise<CallerDecision> {
    if (!this.options.auth.isPrincipal(credentials, 'user'))
      return this.ask(credentials);
    return this.byUser.get(credentials.principal.userEntityRef, () =>
      this.ask(credentials),
    );
  }

  private async ask(
    credentials: BackstageCredentials,
  ): Promise<CallerDecision> {
    const [catalogRead, onboard, offboard] =
      await this.options.permissions.authorizeConditional(
        [
          { permission: catalogEntityReadPermission },
          { permission: defenderApisOnboardPermission },
          { permission: defenderApisOffboardPermission },
        ],
        { credentials },
      );
    return {
      catalogRead: catalogRead as PolicyDecision,
      onboard: onboard as PolicyDecision,
      offboard: offboard as PolicyDecision,
    };
  }
}
