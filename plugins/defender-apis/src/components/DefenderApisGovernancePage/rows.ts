/**
 * The posture table's rows: one flat object per API with the values the table shows, sorts,
 * searches and exports. Pure, so it is tested without rendering.
 */
import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ApiPosture,
  POSTURE_STATUSES,
  PostureStatus,
} from '@defender-apis/plugin-defender-apis-common';
import { STATUS_PRESENTATION } from '../EntityDefenderApisCard/PostureStatusHeadline';
import { humanizeOwnerRef } from '../EntityDefenderApisCard/format';

/** What the catalog tells about an API entity beyond its posture. */
export interface CatalogInfo {
  /** `metadata.title`, when set. */
  title?: string;
  /** Entity refs of its owners (`ownedBy` relations). */
  owners: string[];
}

/** One row of the posture table. */
export interface PostureRow {
  /** The entity ref, also the row id. */
  entityRef: string;
  /** What people call the API: entity title, else APIM display name, else entity name. */
  name: string;
  status: PostureStatus;
  statusLabel: string;
  /** Orders statuses from the one that needs attention most. */
  statusRank: number;
  owners: string[];
  /** Owners as people say them, joined, for search. */
  ownersText: string;
  serviceName?: string;
  apiId?: string;
  /** Endpoint counts; absent when Defender for APIs has reported none (yet). */
  endpointsTotal?: number;
  unauthenticated?: number;
  sensitiveDataExposed?: number;
  activeAlerts: number;
  highAlerts: number;
  openRecommendations: number;
  /** `On P1`, `On`, `Off`, or absent when the plan does not concern the API. */
  plan?: string;
  refreshedAt?: string;
  stale: boolean;
  posture: ApiPosture;
}

/** Statuses in the order they need attention: at risk first, protected and out of scope last. */
const ATTENTION_ORDER: readonly PostureStatus[] = [
  'atRisk',
  'error',
  'unmapped',
  'notOnboarded',
  'planDisabled',
  'onboarding',
  'awaitingData',
  'protected',
  'notApplicable',
];

/** Compile-time and test guard: every status has a rank. */
export const STATUS_RANK: Record<PostureStatus, number> = Object.fromEntries(
  POSTURE_STATUSES.map(status => [status, ATTENTION_ORDER.indexOf(status)]),
) as Record<PostureStatus, number>;

/** The catalog info of API entities by entity ref. */
export function catalogInfoByRef(
  entities: Array<Entity | undefined>,
): Map<string, CatalogInfo> {
  const result = new Map<string, CatalogInfo>();
  for (const entity of entities) {
    if (!entity) continue;
    result.set(stringifyEntityRef(entity).toLocaleLowerCase('en-US'), {
      ...(entity.metadata.title ? { title: entity.metadata.title } : {}),
      owners: (entity.relations ?? [])
        .filter(r => r.type === RELATION_OWNED_BY)
        .map(r => r.targetRef),
    });
  }
  return result;
}

function entityName(entityRef: string): string {
  try {
    return parseEntityRef(entityRef).name;
  } catch {
    return entityRef;
  }
}

function planText(posture: ApiPosture): string | undefined {
  if (!posture.plan) return undefined;
  if (!posture.plan.enabled) return 'Off';
  return posture.plan.subPlan ? `On ${posture.plan.subPlan}` : 'On';
}

/** The table row of one posture, with what the catalog knows of the entity. */
export function toPostureRow(
  posture: ApiPosture,
  catalog?: CatalogInfo,
): PostureRow {
  const owners = catalog?.owners ?? posture.access?.owners ?? [];
  // Zero endpoints right after onboarding means "not reported yet", not "none unauthenticated".
  const endpoints =
    posture.status === 'awaitingData' ? undefined : posture.endpoints;
  return {
    entityRef: posture.entityRef,
    name:
      catalog?.title ??
      posture.api?.displayName ??
      entityName(posture.entityRef),
    status: posture.status,
    statusLabel: STATUS_PRESENTATION[posture.status].label,
    statusRank: STATUS_RANK[posture.status],
    owners,
    ownersText: owners.map(humanizeOwnerRef).join(', '),
    serviceName: posture.api?.serviceName,
    apiId: posture.api?.apiId,
    endpointsTotal: endpoints?.total,
    unauthenticated: endpoints?.unauthenticated,
    sensitiveDataExposed: endpoints?.sensitiveDataExposed,
    activeAlerts: posture.alerts.active,
    highAlerts: posture.alerts.bySeverity.high,
    openRecommendations: posture.recommendations.length,
    plan: planText(posture),
    refreshedAt: posture.refreshedAt,
    stale: posture.stale,
    posture,
  };
}

/** The rows of the postures, looking up each entity's catalog info case-insensitively. */
export function toPostureRows(
  postures: ApiPosture[],
  catalog: Map<string, CatalogInfo> = new Map(),
): PostureRow[] {
  return postures.map(posture =>
    toPostureRow(
      posture,
      catalog.get(posture.entityRef.toLocaleLowerCase('en-US')),
    ),
  );
}

/**
 * The table's search: case-insensitive substring of the API's name, entity ref, status,
 * owners, APIM service or API id. The table and the CSV export both use it, so an export
 * holds exactly the rows the search shows.
 */
export function rowMatchesSearch(row: PostureRow, search: string): boolean {
  const needle = search.trim().toLocaleUpperCase('en-US');
  if (!needle) return true;
  return [
    row.name,
    row.entityRef,
    row.statusLabel,
    row.ownersText,
    ...row.owners,
    row.serviceName,
    row.apiId,
  ].some(value => value?.toLocaleUpperCase('en-US').includes(needle));
}

/** Row filters above the table. */
export interface RowFilters {
  status?: PostureStatus;
  /** Owner entity ref. */
  owner?: string;
  search?: string;
}

/** The rows that pass every filter. */
export function filterRows(
  rows: PostureRow[],
  filters: RowFilters,
): PostureRow[] {
  const owner = filters.owner?.toLocaleLowerCase('en-US');
  return rows.filter(
    row =>
      (!filters.status || row.status === filters.status) &&
      (!owner ||
        row.owners.some(o => o.toLocaleLowerCase('en-US') === owner)) &&
      rowMatchesSearch(row, filters.search ?? ''),
  );
}

/** Compares optional numbers with absent values lowest. */
export function compareOptional(a?: number, b?: number): number {
  return (a ?? -1) - (b ?? -1);
}
