import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { defenderApisApiRef } from '../../../api';

/**
 * How many shadow APIs there are, or `forbidden` when the backend shows them only to callers
 * who may read the whole catalog and this user may not (the page then leaves them out).
 */
export function useShadowApiCount() {
  const api = useApi(defenderApisApiRef);
  return useAsync(async () => {
    try {
      const { totalItems } = await api.listShadowApis({ limit: 0 });
      return { count: totalItems, forbidden: false };
    } catch (e) {
      if (e instanceof ResponseError && e.response.status === 403)
        return { count: undefined, forbidden: true };
      throw e;
    }
  }, [api]);
}
