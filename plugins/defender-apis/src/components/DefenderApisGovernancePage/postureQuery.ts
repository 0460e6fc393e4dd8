/**
 * The filters above the posture table as the backend's list query. The table, the CSV export
 * and bulk onboarding all send the same query, so they act on the same rows. Pure.
 */
import {
  CoverageKind,
  coverageKindOf,
  PostureListQuery,
  PostureStatus,
} from '@defender-apis/plugin-defender-apis-common';

/** The filters above the posture table: one value each, absent for all. */
export interface PostureFilters {
  status?: PostureStatus;
  /**
   * The kind of Defender coverage (the portal's "Defender plan" filter); an alternative to
   * `status`, sent as the list's `coverage`.
   */
  coverage?: CoverageKind;
  /** Owner entity ref. */
  owner?: string;
  /** System entity ref. */
  system?: string;
  /** Domain entity ref. */
  domain?: string;
  /** Text in the API's name or title, sent as `q`. */
  search?: string;
  /** APIs on a Defender CSPM attack path (`true`), or known to be on none (`false`). */
  onAttackPath?: boolean;
}

/** What the filters select by status: the chosen status, else the chosen coverage. */
function statusFilter(
  filters: PostureFilters,
): Pick<PostureListQuery, 'status' | 'coverage'> {
  if (filters.status) return { status: [filters.status] };
  return filters.coverage ? { coverage: [filters.coverage] } : {};
}

/** The list query of the filters, without sort and paging; empty filters are left out. */
export function filtersQuery(filters: PostureFilters): PostureListQuery {
  const q = filters.search?.trim();
  return {
    ...(filters.owner ? { owner: [filters.owner] } : {}),
    ...(filters.system ? { system: [filters.system] } : {}),
    ...(filters.domain ? { domain: [filters.domain] } : {}),
    ...statusFilter(filters),
    ...(q ? { q } : {}),
    ...(filters.onAttackPath !== undefined
      ? { onAttackPath: filters.onAttackPath }
      : {}),
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
  if (
    query.coverage?.length &&
    !query.coverage.includes(coverageKindOf('notOnboarded'))
  ) {
    return undefined;
  }
  const { coverage, ...rest } = query;
  return { ...rest, status: ['notOnboarded'] };
}
