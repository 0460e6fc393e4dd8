import { OnboardingState } from '@defender-apis/plugin-defender-apis-common';
import { Knex } from 'knex';
import { chunksOf } from '../util/yieldToEventLoop';
import { OnboardTarget } from '../model/azureResources';
import { OnboardGrant } from '../model/onboardGrant';

/** Onboarding operations, one row per APIM API (the row is the claim that makes a PUT happen once). */
export const ONBOARDING_TABLE = 'defender_apis_onboarding';
/**
 * Rows per statement: SQLite and PostgreSQL both limit bound parameters. Loops over chunks
 * give the event loop a turn between statements: better-sqlite3 runs them synchronously, so
 * a loop of awaited statements never lets other requests in by itself.
 */
export const ROWS_PER_STATEMENT = 200;

/** One onboarding operation as stored. */
export interface OnboardingRow {
  apiKey: string;
  serviceKey: string;
  entityRef: string;
  target: OnboardTarget;
  state: OnboardingState['state'];
  requestedBy?: string;
  requestedAt: string;
  finishedAt?: string;
  error?: string;
  /** The batch that queued it; batch operations start at the configured pace. */
  batchId?: string;
  /** How the requester was allowed; the worker decides again before the operation runs. */
  grantedBy?: OnboardGrant;
}

/**
 * The claim on a running operation: only its holder renews its lease, finishes it or hands it
 * back, so a runner that lost its lease (paused, cut off) cannot overwrite the next runner's work.
 */
export interface OnboardingLease {
  apiKey: string;
  /** Written by the take that started this run; a later take writes another. */
  leaseToken: string;
}

/** An operation this replica took from the queue and runs. */
export type RunningOnboarding = OnboardingRow & OnboardingLease;

/** An onboarding row as the database holds it. */
export interface RawOnboardingRow {
  api_key: string;
  service_key: string;
  entity_ref: string;
  target: string;
  state: string;
  requested_by: string | null;
  requested_at: string;
  finished_at: string | null;
  error: string | null;
  batch_id?: string | null;
  granted_by?: string | null;
}

/** An onboarding row as the code uses it. */
export function fromRaw(row: RawOnboardingRow): OnboardingRow {
  return {
    apiKey: row.api_key,
    serviceKey: row.service_key,
    entityRef: row.entity_ref,
    target: JSON.parse(row.target),
    state: row.state as OnboardingRow['state'],
    ...(row.requested_by ? { requestedBy: row.requested_by } : {}),
    requestedAt: row.requested_at,
    ...(row.finished_at ? { finishedAt: row.finished_at } : {}),
    ...(row.error ? { error: row.error } : {}),
    ...(row.batch_id ? { batchId: row.batch_id } : {}),
    ...(row.granted_by === 'ownership' || row.granted_by === 'policy'
      ? { grantedBy: row.granted_by }
      : {}),
  };
}

/** The onboarding state as the posture JSON shows it. */
export function toOnboardingState(row: OnboardingRow): OnboardingState {
  return {
    state: row.state,
    ...(row.requestedBy ? { requestedBy: row.requestedBy } : {}),
    requestedAt: row.requestedAt,
    ...(row.finishedAt ? { finishedAt: row.finishedAt } : {}),
    ...(row.error ? { error: row.error } : {}),
  };
}

/**
 * The onboarding state of each of the APIs (by key) that has an operation: what postures
 * show. Read by the posture store when it composes postures, in its transaction.
 */
export async function readOnboardings(
  db: Knex | Knex.Transaction,
  apiKeys: string[],
): Promise<Map<string, OnboardingRow>> {
  const result = new Map<string, OnboardingRow>();
  for await (const chunk of chunksOf(apiKeys, ROWS_PER_STATEMENT)) {
    const found: RawOnboardingRow[] = await db(ONBOARDING_TABLE).whereIn(
      'api_key',
      chunk,
    );
    for (const row of found) result.set(row.api_key, fromRaw(row));
  }
  return result;
}
