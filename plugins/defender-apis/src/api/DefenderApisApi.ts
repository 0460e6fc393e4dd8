import { createApiRef } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  ApiPosture,
  OnboardingBatch,
  PostureList,
  PostureListQuery,
  PostureSummary,
  PostureSummaryQuery,
} from '@defender-apis/plugin-defender-apis-common';

// The backend's query contract lives in -common; the plugin keeps exporting its name.
export type { PostureListQuery };

/**
 * Reads Defender for APIs posture from the plugin's backend.
 *
 * @public
 */
export interface DefenderApisApi {
  /** The stored posture of one API entity. */
  getPosture(entity: CompoundEntityRef): Promise<ApiPosture>;
  /** Asks the backend to onboard the entity's API; the backend decides who may. */
  onboard(entity: CompoundEntityRef): Promise<ApiPosture>;
  /**
   * One page of the postures of the API entities the caller may see, filtered and sorted by
   * the backend; pass `nextCursor` as `cursor` for the next page.
   */
  listPostures(query?: PostureListQuery): Promise<PostureList>;
  /**
   * Counts by status and coverage: overall, per owner, per system and per domain, of the APIs
   * of the given owners, systems and domains (all the caller may see when none is given).
   */
  getSummary(query?: PostureSummaryQuery): Promise<PostureSummary>;
  /**
   * Asks the backend to onboard up to 500 APIs gradually: it checks each like a single
   * request, queues the accepted ones and starts them at its configured pace per APIM
   * service, whether or not this page stays open.
   */
  onboardBatch(entityRefs: string[]): Promise<OnboardingBatch>;
  /** A batch this user requested, with the progress of each API. */
  getOnboardingBatch(id: string): Promise<OnboardingBatch>;
  /** Cancels what has not started yet of a batch this user requested. */
  cancelOnboardingBatch(id: string): Promise<OnboardingBatch>;
}

/** Reference to the {@link DefenderApisApi}. @public */
export const defenderApisApiRef = createApiRef<DefenderApisApi>({
  id: 'plugin.defender-apis.service',
});
