import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useApi } from '@backstage/core-plugin-api';
import { defenderApisApiRef } from '../../api';

/**
 * The backend's summary: counts and coverage overall and per owner, system and domain. A
 * retry keeps the last value while it reads again, so the page stays in place.
 */
export function useSummary() {
  const api = useApi(defenderApisApiRef);
  return useAsyncRetry(() => api.getSummary(), [api]);
}
