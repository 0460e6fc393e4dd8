import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_MEMBER_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { apiManagementApiResourceId } from '@defender-apis/plugin-defender-apis-common';
import { CatalogApis } from '../catalog/CatalogApis';
import { RunningOnboarding } from '../database/onboardingRows';
import { claimedApiKey } from '../model/claims';
import { mapEntity, ownersOf, ServiceIndex } from '../model/mapping';
import { PostureService } from './PostureService';
import { ServiceDirectory } from './ServiceDirectory';

/**
 * Decides again, when a queued onboarding is about to run (minutes or hours after it was
 * asked for), whether it still may: its entity is still in the catalog, still maps to the
 * API that was queued, is not in conflict with another team's entity, and its requester is
 * still in the catalog and, when allowed as an owner, still owns it. The permission policy
 * cannot be asked for a user without the user's token; a requester the policy allowed for
 * every entity is checked for being in the catalog only (a revoked user leaves it).
 */
export class OnboardingRecheck {
  constructor(
    private readonly options: {
      auth: AuthService;
      catalog: Pick<CatalogApis, 'byRef'>;
      directory: Pick<ServiceDirectory, 'services'>;
      postures: Pick<PostureService, 'getPosture'>;
    },
  ) {}

  /** Why the operation may no longer run, or undefined when it may. */
  async refusal(row: RunningOnboarding): Promise<string | undefined> {
    const { auth, catalog, directory, postures } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const entity = await catalog.byRef(row.entityRef, credentials);
    if (!entity) return `${row.entityRef} is no longer in the catalog.`;
    const mapped = mapEntity(
      entity,
      new ServiceIndex(await directory.services()),
    );
    const apiKey =
      mapped.target &&
      claimedApiKey(apiManagementApiResourceId(mapped.target.ref));
    if (apiKey !== row.apiKey)
      return `${row.entityRef} no longer maps to API ${row.target.apiId} of ${row.target.serviceName}.`;
    const posture = await postures.getPosture(entity);
    if (posture.status === 'conflict')
      return `${row.entityRef} is in conflict now: ${posture.reason}`;
    if (!row.requestedBy) return undefined;
    const requester = await catalog.byRef(row.requestedBy, credentials);
    if (!requester)
      return `${row.requestedBy}, who asked for it, is no longer in the catalog.`;
    if (row.grantedBy === 'ownership' && !owns(requester, entity))
      return `${row.requestedBy}, who asked for it as an owner, no longer owns ${row.entityRef}.`;
    return undefined;
  }
}

/**
 * Whether the user owns the entity as Backstage's catalog sign-in resolvers count ownership:
 * the user itself and the groups it is a member of.
 */
function owns(user: Entity, entity: Entity): boolean {
  const mine = new Set(
    [
      stringifyEntityRef(user),
      ...(user.relations ?? [])
        .filter(r => r.type === RELATION_MEMBER_OF)
        .map(r => r.targetRef),
    ].map(ref => ref.toLowerCase()),
  );
  return ownersOf(entity).some(owner => mine.has(owner.toLowerCase()));
}
