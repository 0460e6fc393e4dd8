import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  PostureCounts,
  PostureListQuery,
  PostureStatus,
  PostureSummary,
  PostureSummaryQuery,
} from '@defender-apis/plugin-defender-apis-common';

/** Whose APIs the overview card shows: a group's (owner) or a system's. */
export interface OverviewScope {
  /** The `GET /posture` filter and the `GET /summary` map it reads. */
  filter: 'owner' | 'system';
  /** The entity ref, lower-cased as the backend keys `byOwner` and `bySystem`. */
  ref: string;
}

/** Statuses the card lists: what needs attention, and what can be onboarded. */
export const ATTENTION_STATUSES: PostureStatus[] = [
  'atRisk',
  'conflict',
  'notOnboarded',
];

/** How many APIs the card lists at most; one request, whatever the group's size. */
export const OVERVIEW_LIST_LIMIT = 50;

/** The scope of a Group (APIs it owns itself) or a System entity; none for other kinds. */
export function overviewScopeOf(entity: Entity): OverviewScope | undefined {
  const kind = entity.kind.toLocaleLowerCase('en-US');
  const ref = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  if (kind === 'group') return { filter: 'owner', ref };
  if (kind === 'system') return { filter: 'system', ref };
  return undefined;
}

/** The APIs of the scope, as `GET /summary` and `GET /posture` filter them. */
export function scopeQuery(scope: OverviewScope): PostureSummaryQuery {
  return scope.filter === 'owner'
    ? { owner: [scope.ref] }
    : { system: [scope.ref] };
}

/** The `GET /posture` query of the APIs the card lists, worst first. */
export function attentionQuery(scope: OverviewScope): PostureListQuery {
  return {
    ...scopeQuery(scope),
    status: [...ATTENTION_STATUSES],
    sort: 'status',
    limit: OVERVIEW_LIST_LIMIT,
  };
}

const NO_APIS: PostureCounts = {
  total: 0,
  byStatus: {},
  onboarded: 0,
  applicable: 0,
};

/**
 * The scope's counts in a summary: `byOwner` or `bySystem` under the lower-cased ref (the
 * backend's keys), matched regardless of case to be safe; none when it has no APIs.
 */
export function countsOf(
  summary: PostureSummary,
  scope: OverviewScope,
): PostureCounts {
  const byRef = scope.filter === 'owner' ? summary.byOwner : summary.bySystem;
  const found =
    byRef[scope.ref] ??
    Object.entries(byRef).find(
      ([ref]) => ref.toLocaleLowerCase('en-US') === scope.ref,
    )?.[1];
  return found ?? NO_APIS;
}
