import {
  CoverageKind,
  PostureListQuery,
  PostureSortField,
  PostureStatus,
  PostureSummaryQuery,
  statusesOfCoverage,
} from '@defender-apis/plugin-defender-apis-common';

/**
 * Which entities the caller may see: all of them (an unconditional ALLOW), or those of a
 * list of entity refs (a conditional decision, resolved by the catalog).
 */
export type Visibility = { all: true } | { all: false; entityRefs: string[] };

/** A page query with defaults applied. */
export type ResolvedListQuery = PostureListQuery & {
  sort: PostureSortField;
  order: 'asc' | 'desc';
  limit: number;
};

/** The APIs a summary counts (`GET /summary`'s query). */
export type SummaryScope = PostureSummaryQuery;

/** Whether a scope narrows the APIs at all. */
export function isWholeCatalog(scope: SummaryScope): boolean {
  return !scope.owner?.length && !scope.system?.length && !scope.domain?.length;
}

/**
 * The longest entity ref the plugin stores (its database columns' width). Backstage's own
 * validators keep refs far shorter (63 characters per part); a catalog with looser validators
 * could have longer ones, which requests are refused for rather than failing in the database.
 */
export const MAX_ENTITY_REF_LENGTH = 255;

/**
 * The statuses a list selects from its `status` and `coverage` filters: `coverage` stands for
 * the statuses of its kinds, and with both given an API must match both (an empty list then
 * selects nothing). Undefined: no filter on status.
 */
export function selectedStatuses(
  status: readonly PostureStatus[] | undefined,
  coverage: readonly CoverageKind[] | undefined,
): PostureStatus[] | undefined {
  if (!coverage) return status ? [...status] : undefined;
  const ofCoverage = statusesOfCoverage(coverage);
  return status ? status.filter(s => ofCoverage.includes(s)) : ofCoverage;
}
