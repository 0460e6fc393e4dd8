import { parseEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { PostureAccess } from '@defender-apis/plugin-defender-apis-common';
import useAsync from 'react-use/esm/useAsync';
import { defenderApisApiRef } from '../../api';

/** What {@link useOnboardAccess} gives the Onboard button. */
export interface OnboardAccessState {
  /** The backend's answer, once it came. */
  access?: PostureAccess;
  /** True until the backend has answered. */
  checking: boolean;
  /** The question could not be answered. */
  error?: Error;
}

/**
 * Asks the backend whether the signed-in user may onboard the entity's API. Only a card that
 * shows the Onboard button asks, so other views do not pay for the decision.
 */
export function useOnboardAccess(entityRef: string): OnboardAccessState {
  const api = useApi(defenderApisApiRef);
  const { value, loading, error } = useAsync(
    () => api.getPostureAccess(parseEntityRef(entityRef)),
    [api, entityRef],
  );
  return { access: value, checking: loading, error };
}
