import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useApi } from '@backstage/core-plugin-api';
import {
  PostureCounts,
  PostureList,
} from '@defender-apis/plugin-defender-apis-common';
import { defenderApisApiRef } from '../../api';
import {
  attentionQuery,
  countsOf,
  OverviewScope,
  scopeQuery,
} from './overviewScope';

/** What the overview card shows: the scope's counts and the APIs that need attention. */
export interface Overview {
  counts: PostureCounts;
  /** API entities of the scope no refresh has checked yet, which the counts leave out. */
  pending: number;
  /** When the backend expects to read them. */
  nextReadAt?: string;
  /** At risk, in conflict and unprotected APIs, worst first, at most a page. */
  attention: PostureList;
}

/**
 * Reads the overview of a group's or a system's APIs with two requests started together,
 * whatever the number of APIs: `GET /summary` of the scope's APIs for the counts and one page
 * of `GET /posture` for the list. `retry` reads both again.
 */
export function useOverview(scope: OverviewScope | undefined) {
  const api = useApi(defenderApisApiRef);
  const filter = scope?.filter;
  const ref = scope?.ref;
  return useAsyncRetry(async (): Promise<Overview | undefined> => {
    if (!filter || !ref) return undefined;
    const [summary, attention] = await Promise.all([
      api.getSummary(scopeQuery({ filter, ref })),
      api.listPostures(attentionQuery({ filter, ref })),
    ]);
    return {
      counts: countsOf(summary, { filter, ref }),
      pending: summary.pending ?? 0,
      nextReadAt: summary.nextReadAt,
      attention,
    };
  }, [api, filter, ref]);
}
