/**
 * Catalog-wide questions answered in SQL: filtered, sorted, paged lists and counts grouped by
 * status, owner, system and domain. Only the page's posture documents are parsed.
 */
import {
  ApiPosture,
  isApplicableStatus,
  isOnboardedStatus,
  isPostureCoveredStatus,
  PlanInfo,
  POSTURE_STATUSES,
  PostureCounts,
  PostureListQuery,
  PostureSortField,
  PostureStatus,
  PostureSummary,
} from '@defender-apis/plugin-defender-apis-common';
import { Knex } from 'knex';
import {
  isWholeCatalog,
  ResolvedListQuery,
  SummaryScope,
  Visibility,
} from '../model/postureQuery';
import { COLUMN_LENGTHS, columnKey } from './columnKeys';
import { containsPattern, readPage } from './pagedQuery';
import { postureOfRow, SERVED_COLUMNS } from './postureRow';

export const POSTURE_TABLE = 'defender_apis_posture';
export const OWNER_TABLE = 'defender_apis_posture_owner';

/** The column each sort field orders by; every one is non-null (see postureRow.ts). */
const SORT_COLUMNS: Record<PostureSortField, string> = {
  name: 'name_key',
  status: 'status_rank',
  owner: 'owners_key',
  system: 'system',
  lifecycle: 'lifecycle',
  unauthenticated: 'unauthenticated',
  sensitiveData: 'sensitive_data',
  activeAlerts: 'alerts_active',
  highAlerts: 'alerts_high',
  refreshedAt: 'refreshed_at',
};

/** Filter values in the form their columns hold (columnKeys.ts). */
const keys = (values: string[], length: number) =>
  values.map(v => columnKey(v, length));

/** Restricts a query on the posture table (aliased or not) to what the caller may see. */
function applyVisibility(
  knex: Knex,
  query: Knex.QueryBuilder,
  visibility: Visibility,
  column: string,
): void {
  if (visibility.all) return;
  const refs = visibility.entityRefs;
  if (refs.length <= 500) {
    query.whereIn(column, refs);
    return;
  }
  // One JSON parameter, however many refs: both databases limit bound parameters.
  const json = JSON.stringify(refs);
  if (knex.client.config.client === 'pg') {
    query.whereRaw(`?? in (select json_array_elements_text(?::json))`, [
      column,
      json,
    ]);
  } else {
    query.whereRaw(`?? in (select value from json_each(?))`, [column, json]);
  }
}

/** The posture rows that pass the query's filters and the caller's visibility. */
export function filtered(
  knex: Knex,
  query: PostureListQuery,
  visibility: Visibility,
): Knex.QueryBuilder {
  // Rows whose claim no catalog-wide read has checked are pending, not in any answer yet.
  const rows = knex(POSTURE_TABLE)
    .whereNotNull('status')
    .where('claim_pending', false);
  applyVisibility(knex, rows, visibility, 'entity_ref');
  if (query.owner?.length) {
    rows.whereIn(
      'entity_ref',
      knex(OWNER_TABLE)
        .select('entity_ref')
        .whereIn('owner_ref', keys(query.owner, COLUMN_LENGTHS.ownerRef)),
    );
  }
  if (query.system?.length)
    rows.whereIn('system', keys(query.system, COLUMN_LENGTHS.system));
  if (query.domain?.length)
    rows.whereIn('domain', keys(query.domain, COLUMN_LENGTHS.domain));
  if (query.lifecycle?.length)
    rows.whereIn('lifecycle', keys(query.lifecycle, COLUMN_LENGTHS.lifecycle));
  // An empty list (a status outside the coverage asked for) selects nothing: knex's whereIn([]).
  if (query.status) rows.whereIn('status', query.status);
  if (query.q)
    rows.whereRaw(`search_text like ? escape '\\'`, [containsPattern(query.q)]);
  // Null: attack paths not known; never counted as none.
  if (query.onAttackPath === true) rows.where('attack_paths', '>', 0);
  if (query.onAttackPath === false) rows.where('attack_paths', 0);
  return rows;
}

/** How many checked postures of the scope (its owners, systems, domains) the caller may see. */
export async function countPostures(
  knex: Knex,
  scope: SummaryScope,
  visibility: Visibility,
): Promise<number> {
  const row = await filtered(
    knex,
    { owner: scope.owner, system: scope.system, domain: scope.domain },
    visibility,
  )
    .count({ n: '*' })
    .first();
  return Number((row as { n: number | string } | undefined)?.n ?? 0);
}

/** One page of postures, and how many match in all. */
export async function listPostures(
  knex: Knex,
  query: ResolvedListQuery,
  visibility: Visibility,
): Promise<{ items: ApiPosture[]; totalItems: number; nextCursor?: string }> {
  const { rows, ...page } = await readPage<
    PostureSortField,
    { entity_ref: string; posture: string; refreshed_at: string | null }
  >(filtered(knex, query, visibility), {
    query,
    column: SORT_COLUMNS[query.sort],
    key: 'entity_ref',
    select: ['entity_ref', ...SERVED_COLUMNS],
  });
  return { items: rows.map(postureOfRow), ...page };
}

/** Counts of no API. */
export function emptyCounts(): PostureCounts {
  return {
    total: 0,
    byStatus: {},
    onboarded: 0,
    postureCovered: 0,
    applicable: 0,
  };
}

/** Counts `n` more APIs in `status`, in the status's coverage too. */
export function addCounts(
  counts: PostureCounts,
  status: PostureStatus,
  n: number,
): void {
  counts.total += n;
  counts.byStatus[status] = (counts.byStatus[status] ?? 0) + n;
  if (isOnboardedStatus(status)) counts.onboarded += n;
  if (isPostureCoveredStatus(status))
    counts.postureCovered = (counts.postureCovered ?? 0) + n;
  if (isApplicableStatus(status)) counts.applicable += n;
}

type GroupRow = { key: string; status: PostureStatus; n: number | string };

/**
 * Counts by status and coverage, overall and per owner, system and domain, with GROUP BY, of
 * the APIs in `scope` the caller may see.
 */
export async function summarizePostures(
  knex: Knex,
  visibility: Visibility,
  scope: SummaryScope = {},
): Promise<PostureSummary> {
  const grouped = (column: string) =>
    filtered(knex, scope, visibility)
      .select({ key: column, status: 'status' })
      .count({ n: '*' })
      .whereNot(column, '')
      .groupBy(column, 'status');
  const overall = filtered(knex, scope, visibility)
    .select('status')
    .count({ n: '*' })
    .groupBy('status');
  const byOwner = knex(`${OWNER_TABLE} as o`)
    .join(`${POSTURE_TABLE} as p`, 'p.entity_ref', 'o.entity_ref')
    .whereNotNull('p.status')
    .where('p.claim_pending', false)
    .select({ key: 'o.owner_ref', status: 'p.status' })
    .count({ n: '*' })
    .groupBy('o.owner_ref', 'p.status');
  applyVisibility(knex, byOwner, visibility, 'p.entity_ref');
  if (!isWholeCatalog(scope)) {
    byOwner.whereIn(
      'p.entity_ref',
      filtered(knex, scope, visibility).select('entity_ref'),
    );
  }

  const [overallRows, ownerRows, systemRows, domainRows, plans] =
    (await Promise.all([
      overall,
      byOwner,
      grouped('system'),
      grouped('domain'),
      plansOf(knex, visibility, scope),
    ])) as [GroupRow[], GroupRow[], GroupRow[], GroupRow[], PlanInfo[]];

  const summary: PostureSummary = {
    ...emptyCounts(),
    byStatus: Object.fromEntries(POSTURE_STATUSES.map(s => [s, 0])) as Record<
      PostureStatus,
      number
    >,
    byOwner: {},
    bySystem: {},
    byDomain: {},
    plans,
  };
  for (const row of overallRows) addCounts(summary, row.status, Number(row.n));
  const groups: Array<[GroupRow[], Record<string, PostureCounts>]> = [
    [ownerRows, summary.byOwner],
    [systemRows, summary.bySystem],
    [domainRows, summary.byDomain],
  ];
  for (const [rows, target] of groups) {
    for (const row of rows)
      addCounts((target[row.key] ??= emptyCounts()), row.status, Number(row.n));
  }
  return summary;
}

/** Statuses whose posture holds its subscription's plan as read from Azure. */
const PLAN_READ_STATUSES = POSTURE_STATUSES.filter(
  s => !['unmapped', 'notApplicable', 'conflict', 'error'].includes(s),
);

/**
 * The plan (with its traffic and plan fit) of each subscription among the postures the caller
 * may see: one posture per subscription carries it, as every posture of it does.
 */
async function plansOf(
  knex: Knex,
  visibility: Visibility,
  scope: SummaryScope,
): Promise<PlanInfo[]> {
  const one: Array<{ ref: string }> = await filtered(
    knex,
    { ...scope, status: PLAN_READ_STATUSES },
    visibility,
  )
    .min({ ref: 'entity_ref' })
    .whereNotNull('subscription_id')
    .groupBy('subscription_id');
  if (one.length === 0) return [];
  const rows: Array<{ posture: string }> = await knex(POSTURE_TABLE)
    .select('posture')
    .whereIn(
      'entity_ref',
      one.map(r => r.ref),
    );
  return rows
    .flatMap(r => (JSON.parse(r.posture) as ApiPosture).plan ?? [])
    .sort((a, b) =>
      (a.subscriptionId ?? '').localeCompare(b.subscriptionId ?? ''),
    );
}
