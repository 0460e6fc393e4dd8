import {
  AuditorService,
  AuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { DefenderAzureApi } from '../azure/DefenderAzureClient';
import { describeAzureError } from '../azure/describeAzureError';
import { formatDuration } from '../config';
import {
  ONBOARDING_LEASE_MS,
  OnboardingQueueStore,
} from '../database/OnboardingQueueStore';
import { OnboardingLease, RunningOnboarding } from '../database/onboardingRows';
import { CatalogApis } from '../catalog/CatalogApis';
import { PostureService } from './PostureService';
import { PostureNotifier } from './PostureNotifier';
import { withTenant } from './withTenant';
import { ServiceDirectory } from './ServiceDirectory';
import { OnboardingRecheck } from './OnboardingRecheck';

/**
 * Carries out the onboarding queue on this replica: takes operations while their service is
 * below `maxConcurrentPerService` (Microsoft warns that onboarding load can hurt an APIM
 * instance) and batch operations at `pace`, runs each under a renewed lease, records the
 * outcome, and hands running operations back to the queue on shutdown. The scheduler drives
 * it (`drain` every 30 seconds); requests wake it.
 */
export class OnboardingWorker {
  private draining = false;
  /** The drain loop in progress, which shutdown waits for. */
  private drainLoop: Promise<void> = Promise.resolve();
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
      catalog: Pick<CatalogApis, 'byRef'>;
      azure: Pick<DefenderAzureApi, 'onboard'>;
      queue: OnboardingQueueStore;
      postures: Pick<PostureService, 'reread'>;
      maxConcurrentPerService: number;
      /** How long an operation may run before it is marked failed. */
      timeout: HumanDuration;
      /** The APIM services, for the tenant of each. */
      directory: Pick<ServiceDirectory, 'services'>;
      /** Batch operations of one service start at most this often. */
      pace: HumanDuration;
      /** Tells the requester and the owners that an operation ended; none: nobody is told. */
      notifier?: Pick<PostureNotifier, 'onboardingEnded'>;
      /** Decides again whether a taken operation may still run; none: every one runs. */
      recheck?: Pick<OnboardingRecheck, 'refusal'>;
    },
  ) {}

  /** Starts queued operations while services have capacity; safe to call any time. */
  drain(): void {
    if (this.shutdownSignal.signal.aborted) return;
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = true;
    this.drainLoop = (async () => {
      try {
        do {
          this.drainAgain = false;
          for (;;) {
            const row = await this.options.queue.takeNextOnboarding(
              this.options.maxConcurrentPerService,
              durationToMilliseconds(this.options.pace),
            );
            if (!row) break;
            if (this.shutdownSignal.signal.aborted) {
              // Taken while shutting down, before its run held a lease to hand back.
              await this.options.queue.requeueOnboardings([row]);
              return;
            }
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
      !(await this.options.queue.hasQueuedBatchOperations())
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
    // Taken now: the aborted runs drop their leases as they end.
    const leases = [...this.runningLeases];
    // A take in flight sees the abort and hands its operation back itself.
    await this.drainLoop;
    await this.options.queue.requeueOnboardings(leases);
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
      this.options.queue.renewOnboardingLease(row).then(
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
    const { azure, queue, logger, auditor } = this.options;
    const meta = metaOf(row);
    const event = await auditor.createEvent({
      eventId: 'api-onboard-operation',
      severityLevel: 'medium',
      meta,
    });
    const refusal = await this.refusalOf(row);
    if (refusal !== undefined) {
      await this.cancel(row, refusal, event);
      return;
    }
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
      await azure.onboard(
        withTenant(await this.options.directory.services(), row.target),
        {
          abortSignal: AbortSignal.any([
            this.shutdownSignal.signal,
            leaseLost,
            timeout,
          ]),
        },
      );
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
    if (!(await queue.finishOnboarding(row, outcome))) {
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
    await this.options.notifier?.onboardingEnded({
      entityRef: row.entityRef,
      requestedBy: row.requestedBy,
      outcome,
    });
  }

  /**
   * Why the operation may no longer run, decided again now (the request may be hours old);
   * when that cannot be decided, the reason too: nothing runs on a decision not made.
   */
  private async refusalOf(row: RunningOnboarding): Promise<string | undefined> {
    try {
      return await this.options.recheck?.refusal(row);
    } catch (error) {
      return `Whether ${
        row.entityRef
      } may still be onboarded could not be decided (${
        error instanceof Error ? error.message : String(error)
      }); ask again.`;
    }
  }

  /** Ends the operation without running it, says why and tells the requester. */
  private async cancel(
    row: RunningOnboarding,
    reason: string,
    event: Awaited<ReturnType<AuditorService['createEvent']>>,
  ): Promise<void> {
    const { queue, logger, notifier } = this.options;
    const meta = metaOf(row);
    if (!(await queue.cancelOnboarding(row, reason))) return;
    await event.fail({ error: new Error(`Cancelled: ${reason}`) });
    logger.info('Cancelled a queued onboarding that may no longer run', {
      ...meta,
      reason,
    });
    await notifier?.onboardingEnded({
      entityRef: row.entityRef,
      requestedBy: row.requestedBy,
      outcome: { state: 'cancelled', reason },
    });
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

/** What the audit event and log lines of an operation name. */
function metaOf(row: RunningOnboarding) {
  return {
    entityRef: row.entityRef,
    apiResourceId: row.apiKey,
    requestedBy: row.requestedBy ?? null,
  };
}
