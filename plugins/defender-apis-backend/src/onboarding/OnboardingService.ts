import {
  AuditorService,
  AuthService,
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
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { Request } from 'express';
import { DefenderAzureApi, OnboardTarget } from '../azure/DefenderAzureClient';
import { ConfiguredService, formatDuration } from '../config';
import { describeAzureError } from '../azure/describeAzureError';
import {
  DefenderApisStore,
  ONBOARDING_LEASE_MS,
  OnboardingLease,
  OnboardingRow,
  RunningOnboarding,
} from '../database/DefenderApisStore';
import { serviceKey } from '../posture/mapping';
import { CatalogApis } from '../posture/CatalogApis';
import { OnboardAccess } from '../posture/OnboardAccess';
import { PostureService } from '../posture/PostureService';

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
 * Onboards APIs on their owners' request. The database row is the claim: double clicks,
 * concurrent requests and other replicas make exactly one PUT. At most
 * `maxConcurrentPerService` operations run at once per APIM service, as Microsoft warns that
 * onboarding load can hurt an APIM instance; the rest wait in the queue.
 */
export class OnboardingService {
  private draining = false;
  private drainAgain = false;
  private paceTimer: NodeJS.Timeout | undefined;
  private readonly running = new Set<Promise<void>>();
  /** Leases of the operations this replica runs, to hand back on shutdown. */
  private readonly runningLeases = new Set<OnboardingLease>();
  /** Aborted on shutdown: ends the polling of running operations; they go back to the queue. */
  private readonly shutdownSignal = new AbortController();

  constructor(
    private readonly options: {
      auth: AuthService;
      auditor: AuditorService;
      logger: LoggerService;
      catalog: CatalogApis;
      azure: DefenderAzureApi;
      store: DefenderApisStore;
      postures: PostureService;
      access: OnboardAccess;
      maxConcurrentPerService: number;
      /** Operations one user may have queued or running at once. */
      maxQueuedPerUser: number;
      /** How long an operation may run before it is marked failed. */
      timeout: HumanDuration;
      /** The configured APIM services, for the tenant of each. */
      services: readonly ConfiguredService[];
      /** Batch operations of one service start at most this often. */
      pace: HumanDuration;
    },
  ) {}

  async request(
    entity: Entity,
    credentials: BackstageCredentials<{ type: 'user'; userEntityRef: string }>,
    request: Request,
  ): Promise<OnboardingRequestResult> {
    const { auditor, store } = this.options;
    const entityRef = stringifyEntityRef(entity);
    const event = await auditor.createEvent({
      eventId: 'api-onboard',
      severityLevel: 'medium',
      request,
      meta: { entityRef },
    });
    try {
      const admission = await this.admit(entity, credentials);
      if (!admission.claim) {
        await event.success({ meta: { outcome: admission.posture.status } });
        return { started: false, posture: admission.posture };
      }
      const user = credentials.principal.userEntityRef;
      const active = await store.countActiveOnboardings(user);
      if (active >= this.options.maxQueuedPerUser) {
        throw new TooManyOnboardingsError(
          `${user} already has ${active} onboardings queued or running, the most one user may have (defenderApis.onboarding.maxQueuedPerUser); try again when some have finished`,
        );
      }
      const claimed = await store.claimOnboarding(admission.claim);
      await event.success({
        meta: {
          outcome: claimed ? 'queued' : 'alreadyQueued',
          apiResourceId: admission.claim.apiKey,
        },
      });
      this.drain();
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
    const { auditor, catalog, store } = this.options;
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
      const items = [];
      for (const [i, entityRef] of entityRefs.entries()) {
        const entity = entities[i];
        items.push(
          entity
            ? await this.admitToBatch(entity, credentials, batch)
            : {
                entityRef,
                outcome: 'refused' as const,
                reason: `No entity ${entityRef} in the catalog`,
              },
        );
      }
      await store.createBatch(batch, items);
      const recorded = (await store.getBatch(batch.id))!;
      await event.success({ meta: { batchId: batch.id, ...recorded.counts } });
      this.drain();
      return recorded;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  /** A batch its requester asked for; NotFoundError for anyone else, as for a missing one. */
  async getBatch(
    id: string,
    credentials: BackstageCredentials<{ type: 'user'; userEntityRef: string }>,
  ): Promise<OnboardingBatch> {
    const batch = await this.options.store.getBatch(id);
    if (!batch || batch.requestedBy !== credentials.principal.userEntityRef) {
      throw new NotFoundError(`No onboarding batch ${id} of yours`);
    }
    return batch;
  }

  /** Cancels the requester's batch: what has not started leaves the queue. */
  async cancelBatch(
    id: string,
    credentials: BackstageCredentials<{ type: 'user'; userEntityRef: string }>,
  ): Promise<OnboardingBatch> {
    await this.getBatch(id, credentials);
    const removed = await this.options.store.cancelBatch(id);
    this.options.logger.info('Cancelled an onboarding batch', {
      batchId: id,
      removed: removed.length,
    });
    return (await this.options.store.getBatch(id))!;
  }

  /** What one API of a batch comes to: queued with the batch's id, or why not. */
  private async admitToBatch(
    entity: Entity,
    credentials: BackstageCredentials<{ type: 'user'; userEntityRef: string }>,
    batch: { id: string; requestedAt: string },
  ): Promise<{
    entityRef: string;
    apiKey?: string;
    outcome: OnboardingBatchOutcome;
    reason?: string;
  }> {
    const entityRef = stringifyEntityRef(entity);
    try {
      const { claim, posture } = await this.admit(entity, credentials);
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
      const claimed = await this.options.store.claimOnboarding({
        ...claim,
        requestedAt: batch.requestedAt,
        batchId: batch.id,
      });
      return {
        entityRef,
        apiKey: claim.apiKey,
        outcome: claimed ? 'queued' : 'alreadyQueued',
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
  ): Promise<{ posture: ApiPosture; claim?: Omit<OnboardingRow, 'state'> }> {
    const { access, postures } = this.options;
    const entityRef = stringifyEntityRef(entity);
    if (!(await access.canOnboard(entity, credentials))) {
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
    switch (posture.status) {
      case 'unmapped':
        throw new InputError(
          `${entityRef} is not mapped to an API Management API: ${posture.reason}`,
        );
      case 'conflict':
      case 'notApplicable':
      case 'planDisabled':
        throw new ConflictError(
          `${entityRef} cannot be onboarded: ${posture.reason}`,
        );
      case 'error':
        throw new ServiceUnavailableError(
          `The state of ${entityRef} in Azure is unknown, try again later: ${posture.reason}`,
        );
      case 'notOnboarded':
        break;
      default: // already onboarded, or onboarding
        return { posture };
    }
    const api = posture.api!;
    return {
      posture,
      claim: {
        apiKey: api.resourceId.toLowerCase(),
        serviceKey: serviceKey(api),
        entityRef,
        target: this.withTenant({
          subscriptionId: api.subscriptionId,
          resourceGroup: api.resourceGroup,
          serviceName: api.serviceName,
          apiId: api.apiId,
        }),
        requestedBy: credentials.principal.userEntityRef,
        requestedAt: new Date().toISOString(),
      },
    };
  }

  /**
   * The target with the tenant of its service, so the operation runs with that tenant's
   * credential wherever and whenever it runs. Rows queued before targets carried it get it
   * when they run.
   */
  private withTenant(target: OnboardTarget): OnboardTarget {
    if (target.tenantId) return target;
    const service = this.options.services.find(
      s => serviceKey(s) === serviceKey(target),
    );
    return service?.tenantId
      ? { ...target, tenantId: service.tenantId }
      : target;
  }

  /** Starts queued operations while services have capacity; safe to call any time. */
  drain(): void {
    if (this.shutdownSignal.signal.aborted) return;
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = true;
    void (async () => {
      try {
        do {
          this.drainAgain = false;
          for (;;) {
            const row = await this.options.store.takeNextOnboarding(
              this.options.maxConcurrentPerService,
              durationToMilliseconds(this.options.pace),
            );
            if (!row) break;
            const run = this.run(row).finally(() => {
              this.running.delete(run);
              this.drain();
            });
            this.running.add(run);
          }
        } while (this.drainAgain);
        await this.wakeForPacedOperations();
      } catch (error) {
        this.options.logger.error(
          'Could not read the onboarding queue',
          error as Error,
        );
      } finally {
        this.draining = false;
      }
    })();
  }

  /**
   * Batch operations held back by the pace start when it has passed, without waiting for the
   * next scheduled look at the queue.
   */
  private async wakeForPacedOperations(): Promise<void> {
    if (
      this.paceTimer ||
      !(await this.options.store.hasQueuedBatchOperations())
    )
      return;
    this.paceTimer = setTimeout(() => {
      this.paceTimer = undefined;
      this.drain();
    }, Math.max(1_000, durationToMilliseconds(this.options.pace)));
    this.paceTimer.unref();
  }

  /** Waits for the operations this process runs; for shutdown and tests. */
  async settle(): Promise<void> {
    while (this.running.size > 0 || this.draining) {
      await Promise.all([...this.running]);
      await new Promise(resolve => setTimeout(resolve, 10));
    }
  }

  /** On shutdown: takes no more work and hands running operations back to the queue. */
  async shutdown(): Promise<void> {
    this.shutdownSignal.abort();
    clearTimeout(this.paceTimer);
    const leases = [...this.runningLeases];
    await this.options.store.requeueOnboardings(leases);
    if (leases.length > 0) {
      this.options.logger.info(
        'Handed running onboardings back to the queue on shutdown',
        { count: leases.length },
      );
    }
  }

  private async run(row: RunningOnboarding): Promise<void> {
    this.runningLeases.add(row);
    // Another run took the operation over (this one stopped renewing in time): stop polling
    // and leave the outcome to it.
    const leaseLost = new AbortController();
    const renewal = setInterval(() => {
      this.options.store.renewOnboardingLease(row).then(
        held => {
          if (held || leaseLost.signal.aborted) return;
          this.options.logger.warn(
            'Lost the lease on a running onboarding; another replica carries it on',
            {
              apiResourceId: row.apiKey,
            },
          );
          leaseLost.abort();
        },
        error =>
          this.options.logger.warn('Could not renew an onboarding lease', {
            apiResourceId: row.apiKey,
            error: String(error),
          }),
      );
    }, ONBOARDING_LEASE_MS / 4);
    renewal.unref();
    try {
      await this.runClaimed(row, leaseLost.signal);
    } finally {
      clearInterval(renewal);
      this.runningLeases.delete(row);
    }
  }

  private async runClaimed(
    row: RunningOnboarding,
    leaseLost: AbortSignal,
  ): Promise<void> {
    const { azure, store, logger, auditor } = this.options;
    const meta = {
      entityRef: row.entityRef,
      apiResourceId: row.apiKey,
      requestedBy: row.requestedBy ?? null,
    };
    const event = await auditor.createEvent({
      eventId: 'api-onboard-operation',
      severityLevel: 'medium',
      meta,
    });
    logger.info('Onboarding API to Defender for APIs', meta);
    const timeout = AbortSignal.timeout(
      durationToMilliseconds(this.options.timeout),
    );
    // Ended without an outcome of ours: shut down (the operation went back to the queue) or
    // taken over (its new runner records it).
    const handedOver = () =>
      this.shutdownSignal.signal.aborted || leaseLost.aborted;
    let outcome: { state: 'succeeded' } | { state: 'failed'; error: string };
    try {
      await azure.onboard(this.withTenant(row.target), {
        abortSignal: AbortSignal.any([
          this.shutdownSignal.signal,
          leaseLost,
          timeout,
        ]),
      });
      if (handedOver()) return;
      outcome = { state: 'succeeded' };
    } catch (error) {
      if (handedOver()) return;
      outcome = {
        state: 'failed',
        error: timeout.aborted
          ? `The onboarding of ${
              row.target.apiId
            } did not finish within ${formatDuration(
              this.options.timeout,
            )} (defenderApis.onboarding.timeout); Azure may still complete it, and the next refresh shows its state.`
          : describeAzureError(error, `the onboarding of ${row.target.apiId}`),
      };
    }
    if (!(await store.finishOnboarding(row, outcome))) {
      logger.warn(
        'An onboarding ended after another replica took it over; its outcome is left to that replica',
        meta,
      );
      return;
    }
    if (outcome.state === 'succeeded') {
      await event.success();
      logger.info('Onboarded API to Defender for APIs', meta);
    } else {
      await event.fail({ error: new Error(outcome.error) });
      logger.warn('Onboarding to Defender for APIs failed', {
        ...meta,
        error: outcome.error,
      });
    }
    await this.refreshEntity(row.entityRef);
  }

  /** Reads the entity's posture again so the card shows the real state after the operation. */
  private async refreshEntity(entityRef: string): Promise<void> {
    try {
      const credentials = await this.options.auth.getOwnServiceCredentials();
      const entity = await this.options.catalog.byRef(entityRef, credentials);
      if (entity) await this.options.postures.reread(entity);
    } catch (error) {
      this.options.logger.warn('Could not refresh posture after onboarding', {
        entityRef,
        error: String(error),
      });
    }
  }
}
