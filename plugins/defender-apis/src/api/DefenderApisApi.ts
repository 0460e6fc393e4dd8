import { createApiRef } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';

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
}

/** Reference to the {@link DefenderApisApi}. @public */
export const defenderApisApiRef = createApiRef<DefenderApisApi>({
  id: 'plugin.defender-apis.service',
});
