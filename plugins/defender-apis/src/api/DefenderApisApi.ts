import { createApiRef } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  ApiPosture,
  PostureList,
  PostureStatus,
  PostureSummary,
} from '@defender-apis/plugin-defender-apis-common';

/**
 * Filters and paging of {@link DefenderApisApi.listPostures}.
 *
 * @public
 */
export interface PostureListQuery {
  /** Only APIs owned by this entity ref, e.g. `group:default/team-payments`. */
  owner?: string;
  /** Only APIs in this status. */
  status?: PostureStatus;
  /** Index of the first posture to return; default 0. */
  offset?: number;
  /** Page size; the backend's default is 100 and its maximum 500. */
  limit?: number;
}

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
  /** One page of the postures of every API entity the caller may see. */
  listPostures(query?: PostureListQuery): Promise<PostureList>;
  /** Catalog-wide counts by status, and per owner. */
  getSummary(): Promise<PostureSummary>;
}

/** Reference to the {@link DefenderApisApi}. @public */
export const defenderApisApiRef = createApiRef<DefenderApisApi>({
  id: 'plugin.defender-apis.service',
});
