import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  ApiEndpointList,
  ApiPosture,
  OnboardingBatch,
  PostureAccess,
  PostureList,
  PostureListQuery,
  PostureSummary,
  PostureSummaryQuery,
} from '../types';
import { ShadowApiList, ShadowApiQuery } from '../shadowApis';
import {
  ApiPostureHistory,
  PostureHistory,
  PostureHistoryQuery,
} from '../history';

/**
 * Options of one request to the Defender for APIs backend.
 *
 * @public
 */
export interface DefenderApisRequestOptions {
  /**
   * Backstage token sent as `Authorization: Bearer`; leave it out where the client's
   * `fetchApi` already authenticates (the frontend's `fetchApiRef`).
   */
  token?: string;
}

/**
 * The Defender for APIs backend's HTTP routes, as the frontend, backend modules and scripts
 * call them.
 *
 * @public
 */
export interface DefenderApisApi {
  /** The stored posture of one API entity. */
  getPosture(
    entity: CompoundEntityRef,
    options?: DefenderApisRequestOptions,
  ): Promise<ApiPosture>;
  /**
   * What the caller may do with the entity's API, as the backend decides it (the same
   * decision it makes again on {@link DefenderApisApi.onboard}).
   */
  getPostureAccess(
    entity: CompoundEntityRef,
    options?: DefenderApisRequestOptions,
  ): Promise<PostureAccess>;
  /** Asks the backend to onboard the entity's API; the backend decides who may. */
  onboard(
    entity: CompoundEntityRef,
    options?: DefenderApisRequestOptions,
  ): Promise<ApiPosture>;
  /**
   * The entity's API's endpoints with open findings, with their method and URL template from
   * API Management.
   */
  getEndpoints(
    entity: CompoundEntityRef,
    options?: DefenderApisRequestOptions,
  ): Promise<ApiEndpointList>;
  /**
   * Asks the backend to offboard the entity's API (remove its API collection in Azure); the
   * backend decides who may, and answers the posture as it is afterwards.
   */
  offboard(
    entity: CompoundEntityRef,
    options?: DefenderApisRequestOptions,
  ): Promise<ApiPosture>;
  /**
   * One page of the postures of the API entities the caller may see, filtered and sorted by
   * the backend; pass `nextCursor` as `cursor` for the next page.
   */
  listPostures(
    query?: PostureListQuery,
    options?: DefenderApisRequestOptions,
  ): Promise<PostureList>;
  /**
   * Counts by status and coverage: overall, per owner, per system and per domain, of the APIs
   * of the given owners, systems and domains (all the caller may see when none is given).
   */
  getSummary(
    query?: PostureSummaryQuery,
    options?: DefenderApisRequestOptions,
  ): Promise<PostureSummary>;
  /**
   * The catalog's posture day by day: counts by status, coverage, APIs at risk and active
   * high alerts of the APIs of the query the caller may see.
   */
  getHistory(
    query?: PostureHistoryQuery,
    options?: DefenderApisRequestOptions,
  ): Promise<PostureHistory>;
  /** One API's posture day by day, and since when it has its current status. */
  getApiHistory(
    entity: CompoundEntityRef,
    range?: Pick<PostureHistoryQuery, 'from' | 'to'>,
    options?: DefenderApisRequestOptions,
  ): Promise<ApiPostureHistory>;
  /**
   * One page of the shadow APIs: current APIs of the APIM services the backend reads that no
   * catalog entity maps to. Only for callers who may read every catalog entity (403 otherwise).
   */
  listShadowApis(
    query?: ShadowApiQuery,
    options?: DefenderApisRequestOptions,
  ): Promise<ShadowApiList>;
  /**
   * Asks the backend to onboard up to 500 APIs gradually: it checks each like a single
   * request, queues the accepted ones and starts them at its configured pace per APIM
   * service, whether or not the caller stays.
   */
  onboardBatch(
    entityRefs: string[],
    options?: DefenderApisRequestOptions,
  ): Promise<OnboardingBatch>;
  /** A batch the caller requested, with the progress of each API. */
  getOnboardingBatch(
    id: string,
    options?: DefenderApisRequestOptions,
  ): Promise<OnboardingBatch>;
  /** Cancels what has not started yet of a batch the caller requested. */
  cancelOnboardingBatch(
    id: string,
    options?: DefenderApisRequestOptions,
  ): Promise<OnboardingBatch>;
}
