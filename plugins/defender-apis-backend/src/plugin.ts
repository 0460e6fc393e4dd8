import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { durationToMilliseconds } from '@backstage/types';
import { defenderApisPermissions } from '@defender-apis/plugin-defender-apis-common';
import { DefaultDefenderAzureClient } from './azure/DefenderAzureClient';
import { readDefenderApisConfig } from './config';
import { createStores } from './database/createStores';
import { OnboardingRequests } from './services/OnboardingRequests';
import { OnboardingWorker } from './services/OnboardingWorker';
import { CallerDecisions } from './permissions/CallerDecisions';
import { CatalogApis } from './catalog/CatalogApis';
import { OnboardAccess } from './permissions/OnboardAccess';
import { PostureRefresher } from './services/PostureRefresher';
import { PostureService } from './services/PostureService';
import { createRouter } from './router';
import { RefreshHealth } from './services/RefreshHealth';
import { EarlyRefresh } from './services/EarlyRefresh';

/** The scheduled catalog-wide refresh. */
const REFRESH_TASK_ID = 'defender-apis-refresh';

/**
 * The least time between two early refreshes a replica asks for when views meet unchecked
 * claims: a new entity's card shows its data within about this time.
 */
const EARLY_REFRESH_INTERVAL_MS = 60_000;

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
      },
      async init(deps) {
        const { config, logger, scheduler, httpRouter, catalog } = deps;
        const settings = readDefenderApisConfig(config);
        deps.permissionsRegistry.addPermissions(defenderApisPermissions);

        const stores = await createStores(deps.database);
        const azure = DefaultDefenderAzureClient.fromConfig(settings);
        const refresher = new PostureRefresher({
          services: settings.services,
          azure,
          store: stores.postures,
          logger,
          refreshIntervalMs: durationToMilliseconds(settings.refreshFrequency),
          planEntitlements: settings.planEntitlements,
        });
        const catalogApis = new CatalogApis(catalog);
        const decisions = new CallerDecisions({
          auth: deps.auth,
          permissions: deps.permissions,
        });
        const postures = new PostureService({
          auth: deps.auth,
          decisions,
          catalog: catalogApis,
          store: stores.postures,
          refresher,
          earlyRefresh: new EarlyRefresh({
            trigger: () => scheduler.triggerTask(REFRESH_TASK_ID),
            minIntervalMs: EARLY_REFRESH_INTERVAL_MS,
          }),
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
          services: settings.services,
          pace: settings.onboardingPace,
        });
        const onboarding = new OnboardingRequests({
          auditor: deps.auditor,
          logger,
          catalog: catalogApis,
          queue: stores.onboardingQueue,
          postures,
          access,
          maxQueuedPerUser: settings.maxQueuedOnboardingsPerUser,
          services: settings.services,
          worker,
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
            const summary = await refreshHealth.track(() =>
              postures.refreshAll(),
            );
            logger.info('Refreshed Defender for APIs posture', {
              ...summary,
              durationMs: Date.now() - started,
            });
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

        deps.lifecycle.addShutdownHook(() => worker.shutdown());

        httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            postures,
            onboarding,
            access,
            refreshHealth,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
