import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { durationToMilliseconds } from '@backstage/types';
import { defenderApisPermissions } from '@defender-apis/plugin-defender-apis-common';
import { DefaultDefenderAzureClient } from './azure/DefenderAzureClient';
import { readDefenderApisConfig } from './config';
import { createStores } from './database/createStores';
import { OnboardingRequests } from './services/OnboardingRequests';
import { OffboardingRequests } from './services/OffboardingRequests';
import { EndpointService } from './services/EndpointService';
import { OnboardingWorker } from './services/OnboardingWorker';
import { CallerDecisions } from './permissions/CallerDecisions';
import { CatalogApis } from './catalog/CatalogApis';
import { OnboardAccess } from './permissions/OnboardAccess';
import { PostureRefresher } from './services/PostureRefresher';
import { PostureService } from './services/PostureService';
import { createRouter } from './router';
import { RefreshHealth } from './services/RefreshHealth';
import { EarlyPass } from './services/EarlyPass';
import { CatalogSync } from './services/CatalogSync';
import { CatalogPassSchedule } from './services/CatalogPassSchedule';
import { registerDefenderApisActions } from './actions/registerDefenderApisActions';
import { PostureNotifier } from './services/PostureNotifier';
import { ServiceDirectory } from './services/ServiceDirectory';
import { SubscriptionBulkReads } from './services/SubscriptionBulkReads';
import { ServiceBulkReads } from './services/ServiceBulkReads';
import { OnboardingRecheck } from './services/OnboardingRecheck';
import { ShadowApiRecorder } from './services/ShadowApiRecorder';
import { ShadowApiService } from './services/ShadowApiService';
import { HistoryService } from './services/HistoryService';

/** The scheduled catalog-wide refresh. */
const REFRESH_TASK_ID = 'defender-apis-refresh';
/** The pass over the catalog that reads new and changed API entities. */
const CATALOG_SYNC_TASK_ID = 'defender-apis-catalog-sync';
/**
 * How often the catalog pass runs: with the scheduler's few seconds of delay and the pass
 * itself, a new API is read within a minute.
 */
const CATALOG_SYNC_FREQUENCY = { seconds: 45 };
/** Most new or changed entities a catalog pass reads; more are left to the full refresh. */
const MAX_CHANGED_PER_PASS = 100;

/**
 * The least time between two early catalog passes a replica asks for when views meet unchecked
 * claims: a new entity's card shows its data within seconds rather than at the next pass.
 */
const EARLY_PASS_INTERVAL_MS = 10_000;

/**
 * The Defender for APIs backend plugin: maps catalog APIs to Azure API Management APIs,
 * reads their Defender for APIs posture and onboards them on an owner's request.
 *
 * @public
 */
export const defenderApisPlugin = createBackendPlugin({
  pluginId: 'defender-apis',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        auditor: coreServices.auditor,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        userInfo: coreServices.userInfo,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
        notifications: notificationService,
      },
      async init(deps) {
        const { config, logger, scheduler, httpRouter, catalog } = deps;
        const settings = readDefenderApisConfig(config);
        deps.permissionsRegistry.addPermissions(defenderApisPermissions);

        const stores = await createStores(deps.database);
        const azure = DefaultDefenderAzureClient.fromConfig(settings);
        const notifier = new PostureNotifier({
          notifications: deps.notifications,
          logger,
          kinds: settings.notificationKinds,
          store: stores.postures,
          staleAfter: settings.notificationStaleAfter,
        });
        const directory = new ServiceDirectory({
          configured: settings.services,
          subscriptions: settings.subscriptions,
          azure,
          logger,
          listIntervalMs: durationToMilliseconds(settings.refreshFrequency),
        });
        const refresher = new PostureRefresher({
          directory,
          azure,
          store: stores.postures,
          logger,
          refreshIntervalMs: durationToMilliseconds(settings.refreshFrequency),
          planEntitlements: settings.planEntitlements,
          notifier,
          subscriptionReads: new SubscriptionBulkReads(
            azure,
            settings.readVia,
            logger,
          ),
          serviceBulkReads: new ServiceBulkReads({
            azure,
            store: stores.serviceReads,
            maxReads: settings.maxServiceReadsPerRefresh,
          }),
          shadowApis: new ShadowApiRecorder({
            store: stores.shadowApis,
            logger,
          }),
        });
        const catalogApis = new CatalogApis(catalog);
        const decisions = new CallerDecisions({
          auth: deps.auth,
          permissions: deps.permissions,
        });
        const passSchedule = new CatalogPassSchedule({
          store: stores.taskRuns,
          taskId: CATALOG_SYNC_TASK_ID,
          frequencyMs: durationToMilliseconds(CATALOG_SYNC_FREQUENCY),
        });
        const postures = new PostureService({
          auth: deps.auth,
          decisions,
          catalog: catalogApis,
          store: stores.postures,
          refresher,
          earlyPass: new EarlyPass({
            trigger: () => scheduler.triggerTask(CATALOG_SYNC_TASK_ID),
            minIntervalMs: EARLY_PASS_INTERVAL_MS,
          }),
          passSchedule,
        });
        const history = new HistoryService({
          store: stores.history,
          postures,
          logger,
          retentionDays: settings.historyDays,
        });
        const access = new OnboardAccess({
          auth: deps.auth,
          permissions: deps.permissions,
          decisions,
          userInfo: deps.userInfo,
          permissionFrameworkEnabled:
            config.getOptionalBoolean('permission.enabled') ?? false,
        });
        const worker = new OnboardingWorker({
          auth: deps.auth,
          auditor: deps.auditor,
          logger,
          catalog: catalogApis,
          azure,
          queue: stores.onboardingQueue,
          postures,
          maxConcurrentPerService: settings.maxConcurrentOnboardingsPerService,
          timeout: settings.onboardingTimeout,
          directory,
          pace: settings.onboardingPace,
          notifier,
          recheck: new OnboardingRecheck({
            auth: deps.auth,
            catalog: catalogApis,
            directory,
            postures,
          }),
        });
        const onboarding = new OnboardingRequests({
          auditor: deps.auditor,
          logger,
          catalog: catalogApis,
          queue: stores.onboardingQueue,
          postures,
          access,
          limits: {
            maxActive: settings.maxQueuedOnboardingsPerUser,
            maxOpenBatches: settings.maxOpenBatchesPerUser,
            maxBatched: settings.maxBatchedPerUser,
          },
          directory,
          worker,
        });

        registerDefenderApisActions({
          actionsRegistry: deps.actionsRegistry,
          auth: deps.auth,
          postures,
          onboarding,
        });

        const refreshHealth = new RefreshHealth();
        // One replica at a time refreshes the whole catalog (scope global).
        await scheduler.scheduleTask({
          id: REFRESH_TASK_ID,
          scope: 'global',
          frequency: settings.refreshFrequency,
          timeout: settings.refreshTimeout,
          initialDelay: { seconds: 5 },
          fn: async () => {
            logger.info('Refreshing Defender for APIs posture');
            const started = Date.now();
            // The day's snapshots follow whatever the refresh stored, even when it failed.
            const summary = await refreshHealth
              .track(() => postures.refreshAll())
              .finally(() => history.recordToday());
            await notifier.notifyStale(
              new Date(started),
              2 * durationToMilliseconds(settings.refreshFrequency),
            );
            logger.info('Refreshed Defender for APIs posture', {
              ...summary,
              durationMs: Date.now() - started,
            });
          },
        });
        const catalogSync = new CatalogSync({
          auth: deps.auth,
          logger,
          catalog: catalogApis,
          store: stores.postures,
          refresher,
          maxChangedPerPass: MAX_CHANGED_PER_PASS,
          requestFullRefresh: () => {
            Promise.resolve()
              .then(() => scheduler.triggerTask(REFRESH_TASK_ID))
              .catch(() => {
                // Running already: it reads every entity.
              });
          },
        });
        // One replica at a time passes over the catalog for new, changed and removed APIs.
        await scheduler.scheduleTask({
          id: CATALOG_SYNC_TASK_ID,
          scope: 'global',
          frequency: CATALOG_SYNC_FREQUENCY,
          timeout: { minutes: 5 },
          initialDelay: { seconds: 30 },
          fn: async () => {
            const started = Date.now();
            await passSchedule.recordStart();
            const summary = await catalogSync.pass();
            const fields = { ...summary, durationMs: Date.now() - started };
            if (summary.changed + summary.settled + summary.removed > 0) {
              await history.recordToday();
              logger.info('Passed over the catalog for API changes', fields);
            } else
              logger.debug('Passed over the catalog: no API changes', fields);
          },
        });
        // Every replica picks up queued onboardings, including those left by a stopped one.
        await scheduler.scheduleTask({
          id: 'defender-apis-onboarding-queue',
          scope: 'local',
          frequency: { seconds: 30 },
          timeout: { minutes: 1 },
          fn: async () => worker.drain(),
        });
        // One replica at a time deletes ended batches past their retention.
        await scheduler.scheduleTask({
          id: 'defender-apis-batch-retention',
          scope: 'global',
          frequency: { hours: 6 },
          timeout: { minutes: 10 },
          initialDelay: { minutes: 1 },
          fn: async () => {
            const cutoff = new Date(
              Date.now() - durationToMilliseconds(settings.batchRetention),
            ).toISOString();
            const pruned = await stores.onboardingQueue.pruneBatches(cutoff);
            if (pruned > 0) {
              logger.info('Deleted ended onboarding batches past retention', {
                pruned,
                requestedBefore: cutoff,
              });
            }
          },
        });

        // One replica at a time deletes the days of history past retention.
        await scheduler.scheduleTask({
          id: 'defender-apis-history-retention',
          scope: 'global',
          frequency: { hours: 6 },
          timeout: { minutes: 30 },
          initialDelay: { minutes: 2 },
          fn: async () => {
            const pruned = await history.prune();
            if (pruned > 0) {
              logger.info('Deleted posture history past retention', {
                pruned,
                retentionDays: history.retentionDays,
              });
            }
          },
        });

        deps.lifecycle.addShutdownHook(() => worker.shutdown());

        httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            postures,
            onboarding,
            offboarding: new OffboardingRequests({
              auditor: deps.auditor,
              logger,
              azure,
              store: stores.offboardings,
              postures,
              access,
              directory,
            }),
            access,
            endpoints: new EndpointService({
              postures,
              azure,
              directory,
              refreshIntervalMs: durationToMilliseconds(
                settings.refreshFrequency,
              ),
            }),
            refreshHealth,
            history,
            shadowApis: new ShadowApiService({
              decisions,
              store: stores.shadowApis,
            }),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
