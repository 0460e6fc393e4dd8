/**
 * The filters above the posture table as the backend's list query. The table, the CSV export
 * and bulk onboarding all send the same query, so they act on the same rows. Pure.
 */
import {
  PostureListQuery,
  PostureStatus,
} from '@defender-apis/plugin-defender-apis-common';

/** The filters above the posture table: one value each, absent for all. */
export interface PostureFilters {
  status?: PostureStatus;
  /** Owner entity ref. */
  owner?: string;
  /** System entity ref. */
  system?: string;
  /** Domain entity ref. */
  domain?: string;
  /** Text in the API's name or title, sent as `q`. */
  search?: string;
}

/** The list query of the filters, without sort and paging; empty filters are left out. */
export function filtersQuery(filters: PostureFilters): PostureListQuery {
  const q = filters.search?.trim();
  return {
    ...(filters.owner ? { owner: [filters.owner] } : {}),
    ...(filters.system ? { system: [filters.system] } : {}),
    ...(filters.domain ? { domain: [filters.domain] } : {}),
    ...(filters.status ? { status: [filters.status] } : {}),
    ...(q ? { q } : {}),
  };
}

/**
 * What a bulk onboarding reads: the not-onboarded APIs among those the query selects, or
 * undefined when its status filter leaves none.
 */
export function onboardableQuery(
  query: PostureListQuery,
): PostureListQuery | undefined {
  if (query.status?.length && !query.status.includes('notOnboarded')) {
    return undefined;
  }
  return { ...query, status: ['notOnboarded'] };
}
