import { HumanDuration } from '@backstage/types';

export interface Config {
  defenderApis?: {
    /**
     * The catalog module that registers shadow APIs (APIs of chosen API Management services
     * that no catalog entity maps to) as API entities. Off unless `enabled` is true.
     */
    shadowApiEntities?: {
      /** Whether the module registers entities. Default false. */
      enabled?: boolean;
      /** Names of the APIM services whose shadow APIs become entities; at least one. */
      services?: string[];
      /** Entity ref of the group (or user) that owns the entities, e.g. `group:default/platform`. */
      owner?: string;
      /** `spec.lifecycle` of the entities. Default `production`. */
      lifecycle?: string;
      /** Namespace of the entities. Default `default`. */
      namespace?: string;
      /** How often the shadow APIs are read again. Default 30 minutes. */
      frequency?: HumanDuration | string;
    };
  };
}
