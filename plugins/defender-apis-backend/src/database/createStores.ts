import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  KnexOnboardingQueueStore,
  OnboardingQueueStore,
} from './OnboardingQueueStore';
import { KnexOffboardingStore, OffboardingStore } from './OffboardingStore';
import { KnexPostureStore, PostureStore } from './PostureStore';
import { HistoryStore, KnexHistoryStore } from './HistoryStore';
import { KnexShadowApiStore, ShadowApiStore } from './ShadowApiStore';
import { KnexTaskRunStore, TaskRunStore } from './TaskRunStore';
import { KnexServiceReadStore, ServiceReadStore } from './ServiceReadStore';

/** The plugin's stores, one per aggregate, on one database. */
export interface DefenderApisStores {
  postures: PostureStore;
  onboardingQueue: OnboardingQueueStore;
  offboardings: OffboardingStore;
  taskRuns: TaskRunStore;
  shadowApis: ShadowApiStore;
  history: HistoryStore;
  serviceReads: ServiceReadStore;
}

/**
 * Migrates the plugin's database (unless the database service says to skip it) and opens its
 * stores. A change of an onboarding recomposes the postures that show it; rows written before
 * the posture columns existed are composed here, so no data is lost.
 */
export async function createStores(
  database: DatabaseService,
): Promise<DefenderApisStores> {
  const knex = await database.getClient();
  if (!database.migrations?.skip) {
    await knex.migrate.latest({
      directory: resolvePackagePath(
        '@defender-apis/plugin-defender-apis-backend',
        'migrations',
      ),
    });
  }
  const postures = new KnexPostureStore(knex);
  const onboardingQueue = new KnexOnboardingQueueStore(knex, apiKeys =>
    postures.recomposeApis(apiKeys),
  );
  await postures.composeUncomposed();
  return {
    postures,
    onboardingQueue,
    offboardings: new KnexOffboardingStore(knex, apiKeys =>
      postures.recomposeApis(apiKeys),
    ),
    taskRuns: new KnexTaskRunStore(knex),
    shadowApis: new KnexShadowApiStore(knex),
    history: new KnexHistoryStore(knex),
    serviceReads: new KnexServiceReadStore(knex),
  };
}
