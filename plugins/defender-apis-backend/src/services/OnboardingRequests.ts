import {
  AuditorService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  CustomErrorBase,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  ApiPosture,
  OnboardingBatch,
  OnboardingBatchOutcome,
} from '@defender-apis/plugin-defender-apis-common';
import { randomUUID } from 'node:crypto';
import { Request } from 'express';
import {
  ExceededLimit,
  OnboardingQueueStore,
  UserOnboardingLimits,
} from '../database/OnboardingQueueStore';
import { OnboardingRow } from '../database/onboardingRows';
import { OnboardGrant } from '../model/onboardGrant';
import { CatalogApis } from '../catalog/CatalogApis';
import { serviceKey } from '../model/mapping';
import { claimedApiKey } from '../model/claims';
import { OnboardAccess } from '../permissions/OnboardAccess';
import { PostureService } from './PostureService';
import { withTenant } from './withTenant';
import { ServiceDirectory } from './ServiceDirectory';

/** A user asked for more onboardings than may wait at once; answered with 429. */
export class TooManyOnboardingsError extends CustomErrorBase {
  name = 'TooManyOnboardingsError' as const;
  /** Read by Backstage's error middleware. */
  statusCode = 429;
}

/** Result of an onboarding request: whether it started now, and the posture to show. */
export interface OnboardingRequestResult {
  started: boolean;
  posture: ApiPosture;
}

/**
 * Decides onboarding requests of users, single and in batches: who may onboard what, within
 * the per-user limit, audited; an admitted request is claimed in the queue (the database row
 * is the claim: double clicks, concurrent requests and other replicas make exactly one PUT)
 * and the worker is woken to carry it out.
 */
export class OnboardingRequests {
  constructor(
    private readonly options: {
      auditor: AuditorService;
      logger: LoggerService;
      catalog: Pick<CatalogApis, 'byRefs'>;
      queue: OnboardingQueueStore;
      postures: Pick<PostureService, 'getPosture' | 'reread' | 'seenBy'>;
      access: Pick<OnboardAccess, 'decide' | 'mayCancelAnyBatch'>;
      /** What one user may have queued at once: single operations, batches, batch operations. */
      limits: UserOnboardingLimits;
      /** The APIM services, for the tenant of each. */
      directory: Pick<ServiceDirectory, 'services'>;
      /** Carries out what is queued; woken after each claim. */
      worker: { drain(): void };
    },
  ) {}

  async request(
    entity: Entity,
    credentials: BackstageCredentials<{ type: 'user'; userEntityRef: string }>,
    request?: Request,
  ): Promise<OnboardingRequestResult> {
    const { auditor, queue } = this.options;
    const entityRef = stringifyEntityRef(entity);
    const event = await auditor.createEvent({
      eventId: 'api-onboard',
      severityLevel: 'medium',
      request,
      meta: { entityRef },
    });
    try {
      const [verdict] = await this.options.access.decide(
        [stringifyEntityRef(entity)],
        credentials,
      );
      const admission = await this.admit(entity, credentials, verdict(entity));
      if (!admission.claim) {
        await event.success({ meta: { outcome: admission.posture.status } });
        return { started: false, posture: admission.posture };
      }
      const user = credentials.principal.userEntityRef;
      const claimed = await queue.claimWithinLimits(
        { ...admission.claim, requestedBy: user },
        this.options.limits,
      );
      if (typeof claimed !== 'boolean')
        throw new TooManyOnboardingsError(limitMessage(user, claimed, 1));
      await event.success({
        meta: {
          outcome: claimed ? 'queued' : 'alreadyQueued',
          apiResourceId: admission.claim.apiKey,
        },
      });
      this.options.worker.drain();
      return {
        started: claimed,
        posture: await this.options.postures.getPosture(entity),
      };
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  /**
   * Queues the onboarding of many APIs at once, each checked like a single request; the
   * queue starts them at `pace` per service. Refs the caller cannot see in the catalog are
   * refused like any other. Returns the batch as recorded.
   */
  async requestBatch(
    entityRefs: string[],
    credentials: BackstageCredentials<{ type: 'user'; userEntityRef: string }>,
    request: Request,
  ): Promise<OnboardingBatch> {
    const { auditor, catalog, queue } = this.options;
    const event = await auditor.createEvent({
      eventId: 'api-onboard-batch',
      severityLevel: 'medium',
      request,
      meta: { count: entityRefs.length },
    });
    try {
      const batch = {
        id: randomUUID(),
        requestedBy: credentials.principal.userEntityRef,
        requestedAt: new Date().toISOString(),
      };
      const entities = await catalog.byRefs(entityRefs, credentials);
      // One permission request for the whole batch.
      const verdicts = await this.options.access.decide(
        entityRefs,
        credentials,
      );
      const admitted = [];
      for (const [i, entityRef] of entityRefs.entries()) {
        const entity = entities[i];
        admitted.push(
          entity
            ? await this.admitToBatch(
                entity,
                credentials,
                verdicts[i](entity),
                batch,
              )
            : {
                entityRef,
                outcome: 'refused' as const,
                reason: `No entity ${entityRef} in the catalog`,
              },
        );
      }
      // Limits, claims and the batch in one step under the user's lock.
      const within = await queue.createBatchWithinLimits(
        batch,
        admitted,
        this.options.limits,
      );
      if (!Array.isArray(within))
        throw new TooManyOnboardingsError(
          limitMessage(
            batch.requestedBy,
            within,
            admitted.filter(i => i.claim).length,
          ),
        );
      const recorded = (await queue.getBatch(batch.id))!;
      await event.success({ meta: { batchId: batch.id, ...recorded.counts } });
      this.options.worker.drain();
      return recorded;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  /**
   * A batch, for its requester or a caller the policy lets cancel any batch
   * (`defender-apis.batch.cancel`); NotFoundError for anyone else, as for a missing one.
   */
  async getBatch(
    id: string,
    credentials: BackstageCredentials<{ type: 'user'; userEntityRef: string }>,
  ): Promise<OnboardingBatch> {
    const batch = await this.options.queue.getBatch(id);
    if (
      !batch ||
      (batch.requestedBy !== credentials.principal.userEntityRef &&
        !(await this.options.access.mayCancelAnyBatch(credentials)))
    ) {
      throw new NotFoundError(`No onboarding batch ${id} of yours`);
    }
    return batch;
  }

  /** Cancels a batch the caller may get: what has not started leaves the queue. Audited. */
  async cancelBatch(
    id: string,
    credentials: BackstageCredentials<{ type: 'user'; userEntityRef: string }>,
    request?: Request,
  ): Promise<OnboardingBatch> {
    const event = await this.options.auditor.createEvent({
      eventId: 'api-onboard-batch-cancel',
      severityLevel: 'medium',
      request,
      meta: { batchId: id },
    });
    try {
      const batch = await this.getBatch(id, credentials);
      const removed = await this.options.queue.cancelBatch(id);
      this.options.logger.info('Cancelled an onboarding batch', {
        batchId: id,
        requestedBy: batch.requestedBy,
        cancelledBy: credentials.principal.userEntityRef,
        removed: removed.length,
      });
      await event.success({ meta: { removed: removed.length } });
      return (await this.options.queue.getBatch(id))!;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  /**
   * What one API of a batch comes to: a claim to queue with the batch (its outcome is decided
   * when the batch is recorded), or why not.
   */
  private async admitToBatch(
    entity: Entity,
    credentials: BackstageCredentials<{ type: 'user'; userEntityRef: string }>,
    grant: OnboardGrant | undefined,
    batch: { id: string; requestedAt: string },
  ): Promise<{
    entityRef: string;
    apiKey?: string;
    outcome: OnboardingBatchOutcome;
    reason?: string;
    claim?: Omit<OnboardingRow, 'state'>;
  }> {
    const entityRef = stringifyEntityRef(entity);
    try {
      const { claim, posture } = await this.admit(entity, credentials, grant);
      if (!claim) {
        return {
          entityRef,
          outcome:
            posture.status === 'onboarding'
              ? 'alreadyQueued'
              : 'alreadyOnboarded',
          ...(posture.reason ? { reason: posture.reason } : {}),
        };
      }
      return {
        entityRef,
        apiKey: claim.apiKey,
        outcome: 'queued',
        claim: { ...claim, requestedAt: batch.requestedAt, batchId: batch.id },
      };
    } catch (error) {
      return {
        entityRef,
        outcome: 'refused',
        reason: (error as Error).message,
      };
    }
  }

  /**
   * Decides whether an entity's API may be onboarded now, for this caller: throws the error a
   * single request answers with (403 not an owner, 400 not mapped, 409 not applicable, plan
   * off or conflict, 503 unknown); no claim when it is onboarded or onboarding already.
   */
  private async admit(
    entity: Entity,
    credentials: BackstageCredentials<{ type: 'user'; userEntityRef: string }>,
    grant: OnboardGrant | undefined,
  ): Promise<{ posture: ApiPosture; claim?: Omit<OnboardingRow, 'state'> }> {
    const { postures } = this.options;
    const entityRef = stringifyEntityRef(entity);
    if (!grant) {
      throw new NotAllowedError(
        `Only the owners of ${entityRef} may onboard it to Defender for APIs`,
      );
    }
    let posture = await postures.getPosture(entity);
    const onboarded =
      posture.onboarding?.state === 'succeeded'
        ? posture.onboarding.finishedAt
        : undefined;
    if (
      posture.status === 'notOnboarded' &&
      onboarded &&
      (!posture.refreshedAt || posture.refreshedAt < onboarded)
    ) {
      // Onboarded by an operation that finished after this entity's facts were read (another
      // entity maps to the same API, or the read after the operation is still running): read
      // again rather than onboard an onboarded API twice.
      posture = await postures.reread(entity);
    }
    // A refusal names only the entities the caller may see.
    posture = await postures.seenBy(posture, credentials);
    switch (posture.status) {
      case 'unmapped':
        throw new InputError(
          `${entityRef} is not mapped to an API Management API: ${posture.reason}`,
        );
      case 'conflict':
      case 'notApplicable':
      case 'planDisabled':
      case 'postureOnly':
        throw new ConflictError(
          `${entityRef} cannot be onboarded: ${posture.reason}`,
        );
      case 'error':
        throw new ServiceUnavailableError(
          `The state of ${entityRef} in Azure is unknown, try again later: ${posture.reason}`,
        );
      case 'notOnboarded':
        break;
      case 'awaitingData':
        // Nothing of the API is shown until its claim is checked; nor is it onboarded.
        if (posture.claimPending) {
          throw new ConflictError(
            `${entityRef} cannot be onboarded yet: ${posture.reason}`,
          );
        }
        return { posture };
      default: // already onboarded, or onboarding
        return { posture };
    }
    const api = posture.api!;
    return {
      posture,
      claim: {
        apiKey: claimedApiKey(api.resourceId),
        serviceKey: serviceKey(api),
        entityRef,
        target: withTenant(await this.options.directory.services(), {
          subscriptionId: api.subscriptionId,
          resourceGroup: api.resourceGroup,
          serviceName: api.serviceName,
          apiId: api.apiId,
        }),
        requestedBy: credentials.principal.userEntityRef,
        requestedAt: new Date().toISOString(),
        grantedBy: grant,
      },
    };
  }
}

/** The 429's message: which limit, what is there already, and what would exceed it. */
function limitMessage(
  user: string,
  exceeded: ExceededLimit,
  asked: number,
): string {
  switch (exceeded.limit) {
    case 'maxActive':
      return `${user} already has ${exceeded.found} onboardings queued or running, the most one user may have (defenderApis.onboarding.maxQueuedPerUser: ${exceeded.max}); try again when some have finished`;
    case 'maxOpenBatches':
      return `${user} already has ${exceeded.found} onboarding batches with APIs waiting or running, the most one user may have (defenderApis.onboarding.maxOpenBatchesPerUser: ${exceeded.max}); cancel one or try again when one has finished`;
    default:
      return `${user} already has ${exceeded.found} batch onboardings waiting or running; ${asked} more would exceed the most one user may have (defenderApis.onboarding.maxBatchedPerUser: ${exceeded.max}); ask for fewer, or try again when some have finished`;
  }
}
