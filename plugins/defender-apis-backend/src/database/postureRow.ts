import { parseEntityRef } from '@backstage/catalog-model';
import { createHash } from 'node:crypto';
import {
  ApiPosture,
  coverageKindOf,
  PlanInfo,
  STATUS_ATTENTION_ORDER,
} from '@defender-apis/plugin-defender-apis-common';
import { StoredPosture } from '../model/buildPosture';
import { claimedApiKey } from '../model/claims';
import {
  boundedText,
  COLUMN_LENGTHS,
  columnKey,
  withoutNul,
} from './columnKeys';

/** A posture row as written: the facts, the served posture, and the columns lists use. */
export interface PostureRowValues {
  entity_ref: string;
  data: string;
  posture: string;
  refreshed_at: string;
  api_key: string | null;
  status: string;
  status_rank: number;
  name_key: string;
  search_text: string;
  owners_key: string;
  system: string;
  domain: string;
  lifecycle: string;
  subscription_id: string | null;
  service_name: string | null;
  endpoints_total: number;
  unauthenticated: number;
  sensitive_data: number;
  alerts_active: number;
  alerts_high: number;
  alerts_medium: number;
  alerts_low: number;
  alerts_informational: number;
  /** Attack paths through the API; null when they are not known. */
  attack_paths: number | null;
  /** The status's coverage kind (`coverageKindOf`). */
  coverage: string;
  /** {@link planKeyOf} the posture's plan. */
  plan: string;
  stale: boolean;
  /** The posture's `claimPending`: left out of lists and summaries, counted as pending. */
  claim_pending: boolean;
  /** The posture's `entityVersion`: which revision of the catalog entity it was read from. */
  entity_version: string | null;
  /** {@link contentHashOf} the other columns. */
  content_hash: string;
}

/**
 * The columns a posture is served from ({@link postureOfRow}): its document and the times kept
 * in columns of their own.
 */
export const SERVED_COLUMNS = ['posture', 'refreshed_at', 'status_since'];

/**
 * What history keeps of a subscription's Defender for APIs plan: its sub-plan lower-cased
 * (`p1`), `on` without one, `off`, or empty when the plan was not read.
 */
export function planKeyOf(plan: PlanInfo | undefined): string {
  if (!plan) return '';
  if (!plan.enabled) return 'off';
  return plan.subPlan ? columnKey(plan.subPlan, COLUMN_LENGTHS.plan) : 'on';
}

/** No count known (not onboarded, no data yet): sorts below every real count. */
export const NO_COUNT = -1;

function entityName(entityRef: string): string {
  try {
    return parseEntityRef(entityRef).name;
  } catch {
    return entityRef;
  }
}

/** The owner table's keys of an entity's owners: lower-cased, bounded, each once, sorted. */
export function ownerKeysOf(owners: readonly string[]): string[] {
  return [
    ...new Set(owners.map(o => columnKey(o, COLUMN_LENGTHS.ownerRef))),
  ].sort();
}

/** The key of the APIM API a posture claims ({@link claimedApiKey}). */
export function apiKeyOfPosture(
  stored: Pick<StoredPosture, 'api'>,
): string | undefined {
  return stored.api && claimedApiKey(stored.api.resourceId);
}

/**
 * The hash of a row's content: every column but the refresh time, which lives in its column
 * only (not in the JSON documents), so that a posture read again unchanged is one column to
 * update. Columns derived by code count too: a release that derives them otherwise rewrites.
 */
function contentHashOf(
  values: Omit<PostureRowValues, 'content_hash' | 'refreshed_at'>,
): string {
  const hash = createHash('sha1');
  for (const [column, value] of Object.entries(values)) {
    // Fed piece by piece: a template string would copy each JSON document once more.
    hash.update(column).update('\u0000').update(String(value)).update('\u0000');
  }
  return hash.digest('hex');
}

/** A stored row's JSON document with the refresh time of its column. */
function withRefreshTime<T extends { refreshedAt?: string }>(
  json: string,
  refreshedAt: string | null | undefined,
): T {
  const parsed: T = JSON.parse(json);
  // Rows written before the hash column carry the time in the document too; the column wins.
  const time = refreshedAt || parsed.refreshedAt;
  delete parsed.refreshedAt;
  return time ? { ...parsed, refreshedAt: time } : parsed;
}

/** The facts of a stored row. */
export function factsOfRow(row: {
  data: string;
  refreshed_at: string | null;
}): StoredPosture {
  return withRefreshTime<StoredPosture>(row.data, row.refreshed_at);
}

/** The posture of a stored row ({@link SERVED_COLUMNS}), as served. */
export function postureOfRow(row: {
  posture: string;
  refreshed_at: string | null;
  status_since?: string | null;
}): ApiPosture {
  const posture = withRefreshTime<ApiPosture>(row.posture, row.refreshed_at);
  return row.status_since
    ? { ...posture, statusSince: row.status_since }
    : posture;
}

/**
 * The row of one entity's facts and its posture as composed from them: the one place where
 * what lists filter, sort and count on is derived from the posture.
 */
export function toPostureRow(
  stored: StoredPosture,
  posture: ApiPosture,
): {
  values: PostureRowValues;
  owners: string[];
} {
  const name = entityName(stored.entityRef);
  const owners = ownerKeysOf(stored.owners);
  const endpoints = posture.endpoints;
  const key = (text: string | undefined, length: number) =>
    text === undefined ? '' : columnKey(text, length);
  const content = {
    entity_ref: stored.entityRef,
    // The refresh time is its column's alone (contentHashOf); undefined leaves the key out.
    data: JSON.stringify({ ...stored, refreshedAt: undefined }),
    // The status's time is its column's alone too (kept by the write, see PostureStore).
    posture: JSON.stringify({
      ...posture,
      refreshedAt: undefined,
      statusSince: undefined,
    }),
    api_key: apiKeyOfPosture(stored) ?? null,
    status: posture.status,
    status_rank: STATUS_ATTENTION_ORDER.indexOf(posture.status),
    name_key: key(
      stored.title ?? posture.api?.displayName ?? name,
      COLUMN_LENGTHS.nameKey,
    ),
    search_text: withoutNul(
      [name, stored.title ?? ''].join('\n').toLowerCase(),
    ),
    owners_key: boundedText(owners.join(','), COLUMN_LENGTHS.ownersKey),
    system: key(stored.system, COLUMN_LENGTHS.system),
    domain: key(stored.domain, COLUMN_LENGTHS.domain),
    lifecycle: key(stored.lifecycle, COLUMN_LENGTHS.lifecycle),
    subscription_id: stored.api
      ? key(stored.api.subscriptionId, COLUMN_LENGTHS.subscriptionId)
      : null,
    service_name: stored.api
      ? key(stored.api.serviceName, COLUMN_LENGTHS.serviceName)
      : null,
    endpoints_total: endpoints?.total ?? NO_COUNT,
    unauthenticated: endpoints?.unauthenticated ?? NO_COUNT,
    sensitive_data: endpoints?.sensitiveDataExposed ?? NO_COUNT,
    alerts_active: posture.alerts.active,
    alerts_high: posture.alerts.bySeverity.high,
    alerts_medium: posture.alerts.bySeverity.medium,
    alerts_low: posture.alerts.bySeverity.low,
    alerts_informational: posture.alerts.bySeverity.informational,
    attack_paths: posture.attackPaths?.available
      ? posture.attackPaths.items.length
      : null,
    coverage: coverageKindOf(posture.status),
    plan: planKeyOf(posture.plan),
    stale: posture.stale,
    claim_pending: posture.claimPending === true,
    entity_version: stored.entityVersion ?? null,
  };
  return {
    owners,
    values: {
      ...content,
      refreshed_at: stored.refreshedAt ?? '',
      content_hash: contentHashOf(content),
    },
  };
}
