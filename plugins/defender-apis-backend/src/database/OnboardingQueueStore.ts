import {
  OnboardingBatch,
  OnboardingBatchOutcome,
} from '@defender-apis/plugin-defender-apis-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { chunksOf } from '../util/yieldToEventLoop';
import { databaseNowMs } from './databaseClock';
import {
  fromRaw,
  ONBOARDING_TABLE as ONBOARDING,
  OnboardingLease,
  OnboardingRow,
  RawOnboardingRow,
  readOnboardings,
  ROWS_PER_STATEMENT as CHUNK,
  RunningOnboarding,
  toOnboardingState,
} from './onboardingRows';

/** One row per APIM service, locked while an operation of the service is counted and taken. */
const SERVICE_LOCK = 'defender_apis_onboarding_service_lock';
const BATCH = 'defender_apis_onboarding_batch';
/** One row per requester, locked while the user's limits are checked and claims inserted. */
const USER_LOCK = 'defender_apis_onboarding_user_lock';
const BATCH_ITEM = 'defender_apis_onboarding_batch_item';
/**
 * How long a running onboarding stays claimed without renewal. The replica running it renews
 * the lease while it polls; a replica that was killed loses it, and another takes over.
 */
export const ONBOARDING_LEASE_MS = 2 * 60 * 1000;

/** A batch as requested. */
export interface NewOnboardingBatch {
  id: string;
  requestedBy: string;
  requestedAt: string;
}

/** What became of one entity of a batch when it was requested. */
export interface NewOnboardingBatchItem {
  entityRef: string;
  apiKey?: string;
  outcome: OnboardingBatchOutcome;
  reason?: string;
}

/** A user's limits on queued onboardings, checked atomically with the claims. */
export interface UserOnboardingLimits {
  /** Single operations (outside batches) queued or running at once. */
  maxActive: number;
  /** Batches with an operation still queued or running. */
  maxOpenBatches: number;
  /** Batch operations queued or running, across the user's batches. */
  maxBatched: number;
}

/** A user's limit a request would exceed: which, its value and what is there already. */
export interface ExceededLimit {
  limit: keyof UserOnboardingLimits;
  max: number;
  found: number;
}

/**
 * The onboarding queue: one operation per APIM API, claimed once across replicas, taken under
 * a per-service limit and pace, run under a lease; and the batches that queued them.
 */
export interface OnboardingQueueStore {
  getOnboarding(apiKey: string): Promise<OnboardingRow | undefined>;
  getOnboardings(apiKeys: string[]): Promise<Map<string, OnboardingRow>>;
  /** Queues an onboarding unless one is queued or running; true when this call queued it. */
  claimOnboarding(row: Omit<OnboardingRow, 'state'>): Promise<boolean>;
  /**
   * Queues a user's single onboarding within `limits.maxActive`, counted under the user's lock
   * (parallel requests cannot together exceed it): true when this call queued it, false when
   * one was queued or running already, or the limit it would exceed.
   */
  claimWithinLimits(
    row: Omit<OnboardingRow, 'state'> & { requestedBy: string },
    limits: Pick<UserOnboardingLimits, 'maxActive'>,
  ): Promise<boolean | ExceededLimit>;
  /**
   * Records a batch and queues its admitted operations, under the user's lock, within
   * `limits.maxOpenBatches` and `limits.maxBatched`: the items as recorded (claims that found
   * an operation already queued say `alreadyQueued`), or the limit it would exceed (nothing
   * recorded then).
   */
  createBatchWithinLimits(
    batch: NewOnboardingBatch,
    items: Array<
      NewOnboardingBatchItem & { claim?: Omit<OnboardingRow, 'state'> }
    >,
    limits: Pick<UserOnboardingLimits, 'maxOpenBatches' | 'maxBatched'>,
  ): Promise<NewOnboardingBatchItem[] | ExceededLimit>;
  /** Takes the oldest operation a service below its limit and pace may start. */
  takeNextOnboarding(
    maxRunning: number,
    paceMs?: number,
  ): Promise<RunningOnboarding | undefined>;
  /** How many operations a user has queued or running, outside batches. */
  countActiveOnboardings(userEntityRef: string): Promise<number>;
  renewOnboardingLease(lease: OnboardingLease): Promise<boolean>;
  requeueOnboardings(leases: OnboardingLease[]): Promise<void>;
  finishOnboarding(
    lease: OnboardingLease,
    outcome: { state: 'succeeded' | 'failed'; error?: string },
  ): Promise<boolean>;
  /**
   * Ends a taken operation without running it (the worker decided it may no longer run): it
   * leaves the queue and its batch item says `cancelled` with the reason. False when the lease
   * was lost meanwhile.
   */
  cancelOnboarding(
    lease: OnboardingLease & { batchId?: string },
    reason: string,
  ): Promise<boolean>;
  hasQueuedBatchOperations(): Promise<boolean>;
  getBatch(id: string): Promise<OnboardingBatch | undefined>;
  /** Takes a batch's operations that have not started out of the queue; their API keys. */
  cancelBatch(id: string): Promise<string[]>;
  /**
   * Deletes batches requested before `requestedBefore` (ISO time) none of whose operations is
   * queued or running, with their items; the operations stay. Returns how many were deleted.
   */
  pruneBatches(requestedBefore: string): Promise<number>;
}

/**
 * {@link OnboardingQueueStore} in the plugin's database. Each change of an operation's state is
 * announced to `onChange` with the API's key, so that the postures that show it are composed
 * again (the plugin hands in the posture store's `recomposeApis`).
 */
export class KnexOnboardingQueueStore implements OnboardingQueueStore {
  constructor(
    private readonly knex: Knex,
    private readonly onChange: (apiKeys: string[]) => Promise<void>,
  ) {}

  async getOnboarding(apiKey: string): Promise<OnboardingRow | undefined> {
    const row = await this.knex(ONBOARDING).where({ api_key: apiKey }).first();
    return row ? fromRaw(row) : undefined;
  }

  getOnboardings(apiKeys: string[]): Promise<Map<string, OnboardingRow>> {
    return readOnboardings(this.knex, apiKeys);
  }

  /**
   * Queues an onboarding unless one is already queued or running for the API. Atomic in the
   * database, so concurrent requests on any number of replicas claim it exactly once.
   * Returns true when this call queued it.
   */
  async claimOnboarding(row: Omit<OnboardingRow, 'state'>): Promise<boolean> {
    const claimed = await this.knex.transaction(tx => claimIn(tx, row));
    // Losers too: a claim in flight elsewhere may not have recomposed yet.
    await this.onChange([row.apiKey]);
    return claimed;
  }

  async claimWithinLimits(
    row: Omit<OnboardingRow, 'state'> & { requestedBy: string },
    limits: Pick<UserOnboardingLimits, 'maxActive'>,
  ): Promise<boolean | ExceededLimit> {
    const outcome = await this.knex.transaction(async tx => {
      await lockRow(tx, USER_LOCK, 'user_ref', row.requestedBy);
      const active = await countRows(activeSingles(tx, row.requestedBy));
      if (active >= limits.maxActive)
        return {
          limit: 'maxActive' as const,
          max: limits.maxActive,
          found: active,
        };
      return claimIn(tx, row);
    });
    if (typeof outcome === 'boolean') await this.onChange([row.apiKey]);
    return outcome;
  }

  async createBatchWithinLimits(
    batch: NewOnboardingBatch,
    items: Array<
      NewOnboardingBatchItem & { claim?: Omit<OnboardingRow, 'state'> }
    >,
    limits: Pick<UserOnboardingLimits, 'maxOpenBatches' | 'maxBatched'>,
  ): Promise<NewOnboardingBatchItem[] | ExceededLimit> {
    const claims = items.flatMap(i => (i.claim ? [i.claim] : []));
    const outcome = await this.knex.transaction(async tx => {
      await lockRow(tx, USER_LOCK, 'user_ref', batch.requestedBy);
      const mine = tx(BATCH)
        .select('id')
        .where({ requested_by: batch.requestedBy });
      const pending = () =>
        tx(ONBOARDING)
          .whereIn('batch_id', mine.clone())
          .whereIn('state', ['queued', 'running']);
      if (claims.length > 0) {
        const open = await countRows(
          pending().countDistinct({ n: 'batch_id' }),
          true,
        );
        if (open >= limits.maxOpenBatches)
          return {
            limit: 'maxOpenBatches' as const,
            max: limits.maxOpenBatches,
            found: open,
          };
        const batched = await countRows(pending());
        if (batched + claims.length > limits.maxBatched)
          return {
            limit: 'maxBatched' as const,
            max: limits.maxBatched,
            found: batched,
          };
      }
      const recorded: NewOnboardingBatchItem[] = [];
      for (const { claim, ...item } of items) {
        if (!claim) {
          recorded.push(item);
          continue;
        }
        const claimed = await claimIn(tx, { ...claim, batchId: batch.id });
        recorded.push({
          ...item,
          apiKey: claim.apiKey,
          outcome: claimed ? 'queued' : 'alreadyQueued',
        });
      }
      await insertBatch(tx, batch, recorded);
      return recorded;
    });
    if (Array.isArray(outcome)) await this.onChange(claims.map(c => c.apiKey));
    return outcome;
  }

  /**
   * Takes the oldest queued operation (or a running one whose lease ran out) of a service
   * that has fewer than `maxRunning` operations running, marks it running and writes a new
   * lease token. The candidate is chosen in SQL among services below their limit, so a long
   * queue of one service never hides the others. The take itself is exact across replicas:
   * under a lock on the service's row the running operations are counted again, and the row
   * is taken by one conditional update that repeats the queued-or-expired condition.
   */
  async takeNextOnboarding(
    maxRunning: number,
    paceMs = 0,
  ): Promise<RunningOnboarding | undefined> {
    const full = new Set<string>();
    for (let attempt = 0; attempt < 10; attempt++) {
      const now = await databaseNowMs(this.knex);
      const saturated = this.knex(ONBOARDING)
        .select('service_key')
        .where('state', 'running')
        .andWhere('lease_until', '>=', now)
        .groupBy('service_key')
        .havingRaw('count(*) >= ?', [maxRunning]);
      const candidate: RawOnboardingRow | undefined = await this.knex(
        ONBOARDING,
      )
        .where(takeable(now))
        .whereNotIn('service_key', saturated)
        // Batch operations wait until their service's last start is `paceMs` old.
        .where(q =>
          q.whereNull('batch_id').orWhereNotIn(
            'service_key',
            this.knex(SERVICE_LOCK)
              .select('service_key')
              .where('taken_at', '>', now - paceMs),
          ),
        )
        .modify(q =>
          full.size > 0 ? q.whereNotIn('service_key', [...full]) : q,
        )
        .orderBy([{ column: 'requested_at' }, { column: 'api_key' }])
        .first();
      if (!candidate) return undefined;
      const outcome = await this.knex.transaction(tx =>
        this.takeUnderServiceLock(tx, candidate, maxRunning, paceMs),
      );
      if (outcome === 'full') {
        full.add(candidate.service_key);
      } else if (outcome) {
        await this.onChange([outcome.apiKey]);
        return outcome;
      }
      // Another replica took it first, or its service filled up meanwhile: look again.
    }
    return undefined;
  }

  private async takeUnderServiceLock(
    tx: Knex.Transaction,
    candidate: RawOnboardingRow,
    maxRunning: number,
    paceMs: number,
  ): Promise<RunningOnboarding | 'full' | undefined> {
    const service = candidate.service_key;
    const now = await databaseNowMs(tx);
    // Takes for one service happen one after the other.
    await lockRow(tx, SERVICE_LOCK, 'service_key', service);
    const { taken_at: lastStart } = await tx(SERVICE_LOCK)
      .select('taken_at')
      .where({ service_key: service })
      .first();
    if (
      candidate.batch_id &&
      lastStart !== null &&
      Number(lastStart) > now - paceMs
    ) {
      return 'full';
    }
    const counted = await tx(ONBOARDING)
      .where({ service_key: service, state: 'running' })
      .andWhere('lease_until', '>=', now)
      .count({ n: '*' })
      .first();
    if (
      Number((counted as { n?: number | string } | undefined)?.n ?? 0) >=
      maxRunning
    )
      return 'full';
    const leaseToken = randomUUID();
    const taken = await tx(ONBOARDING)
      .where({ api_key: candidate.api_key })
      .andWhere(takeable(now))
      .update({
        state: 'running',
        lease_until: now + ONBOARDING_LEASE_MS,
        lease_owner: leaseToken,
      });
    if (taken !== 1) return undefined;
    await tx(SERVICE_LOCK)
      .where({ service_key: service })
      .update({ taken_at: now });
    const row: RawOnboardingRow = await tx(ONBOARDING)
      .where({ api_key: candidate.api_key })
      .first();
    return { ...fromRaw(row), leaseToken };
  }

  /** How many operations a user has queued or running, outside batches. */
  async countActiveOnboardings(userEntityRef: string): Promise<number> {
    return countRows(activeSingles(this.knex, userEntityRef));
  }

  /**
   * Extends the lease of an operation this replica runs. False when the lease is no longer
   * this run's (it ran out and another run took the operation over, or the operation ended).
   */
  async renewOnboardingLease(lease: OnboardingLease): Promise<boolean> {
    const renewed = await this.knex(ONBOARDING)
      .where(heldBy(lease))
      .update({
        lease_until: (await databaseNowMs(this.knex)) + ONBOARDING_LEASE_MS,
      });
    return renewed === 1;
  }

  /**
   * Puts operations this replica was running back in the queue, for a clean shutdown: another
   * replica (or this one after a restart) carries them out. A repeated onboarding PUT is safe,
   * ARM answers it with the operation in progress or the finished resource.
   */
  async requeueOnboardings(leases: OnboardingLease[]): Promise<void> {
    for (const lease of leases) {
      const requeued = await this.knex(ONBOARDING)
        .where(heldBy(lease))
        .update({ state: 'queued', lease_until: null, lease_owner: null });
      if (requeued === 1) await this.onChange([lease.apiKey]);
    }
  }

  /** Records the outcome of a run; false (and nothing written) when the lease is no longer its. */
  async finishOnboarding(
    lease: OnboardingLease,
    outcome: { state: 'succeeded' | 'failed'; error?: string },
  ): Promise<boolean> {
    const finished = await this.knex(ONBOARDING)
      .where(heldBy(lease))
      .update({
        state: outcome.state,
        error: outcome.error ?? null,
        finished_at: new Date().toISOString(),
        lease_until: null,
        lease_owner: null,
      });
    if (finished === 1) await this.onChange([lease.apiKey]);
    return finished === 1;
  }

  async cancelOnboarding(
    lease: OnboardingLease & { batchId?: string },
    reason: string,
  ): Promise<boolean> {
    const cancelled = await this.knex.transaction(async tx => {
      const deleted = await tx(ONBOARDING).where(heldBy(lease)).delete();
      if (deleted === 1 && lease.batchId) {
        await tx(BATCH_ITEM)
          .where({ batch_id: lease.batchId, api_key: lease.apiKey })
          .update({ outcome: 'cancelled', reason });
      }
      return deleted === 1;
    });
    if (cancelled) await this.onChange([lease.apiKey]);
    return cancelled;
  }

  /** Whether batch operations wait in the queue. */
  async hasQueuedBatchOperations(): Promise<boolean> {
    return Boolean(
      await this.knex(ONBOARDING)
        .select('api_key')
        .where({ state: 'queued' })
        .whereNotNull('batch_id')
        .first(),
    );
  }

  /** A batch with the current state of each operation it queued. */
  async getBatch(id: string): Promise<OnboardingBatch | undefined> {
    const batch = await this.knex(BATCH).where({ id }).first();
    if (!batch) return undefined;
    const items: Array<{
      entity_ref: string;
      api_key: string | null;
      outcome: OnboardingBatchOutcome;
      reason: string | null;
    }> = await this.knex(BATCH_ITEM)
      .where({ batch_id: id })
      .orderBy('entity_ref');
    const operations = new Map(
      (
        (await this.knex(ONBOARDING).where({
          batch_id: id,
        })) as RawOnboardingRow[]
      ).map(row => [row.api_key, toOnboardingState(fromRaw(row))]),
    );
    const counts = {
      requested: items.length,
      refused: 0,
      cancelled: 0,
      pending: 0,
      succeeded: 0,
      failed: 0,
    };
    const result = items.map(item => {
      const operation =
        item.outcome === 'queued' && item.api_key
          ? operations.get(item.api_key)
          : undefined;
      if (item.outcome === 'refused') counts.refused++;
      if (item.outcome === 'cancelled') counts.cancelled++;
      if (operation?.state === 'queued' || operation?.state === 'running')
        counts.pending++;
      if (operation?.state === 'succeeded') counts.succeeded++;
      if (operation?.state === 'failed') counts.failed++;
      return {
        entityRef: item.entity_ref,
        outcome: item.outcome,
        ...(item.reason ? { reason: item.reason } : {}),
        ...(operation ? { operation } : {}),
      };
    });
    return {
      id: batch.id,
      requestedBy: batch.requested_by,
      requestedAt: batch.requested_at,
      ...(batch.cancelled_at ? { cancelledAt: batch.cancelled_at } : {}),
      items: result,
      counts,
    };
  }

  /**
   * Cancels a batch: its operations that have not started leave the queue (running ones go
   * on). Returns the keys of the APIs taken out.
   */
  async cancelBatch(id: string): Promise<string[]> {
    const removed = await this.knex.transaction(async tx => {
      const queued: Array<{ api_key: string }> = await tx(ONBOARDING)
        .select('api_key')
        .where({ batch_id: id, state: 'queued' });
      const keys = queued.map(r => r.api_key);
      for await (const chunk of chunksOf(keys, CHUNK)) {
        // The state condition again: an operation started since the select goes on.
        const gone: Array<{ api_key: string }> = await tx(ONBOARDING)
          .where({ batch_id: id, state: 'queued' })
          .whereIn('api_key', chunk)
          .select('api_key');
        await tx(ONBOARDING)
          .where({ batch_id: id, state: 'queued' })
          .whereIn('api_key', chunk)
          .delete();
        await tx(BATCH_ITEM)
          .where({ batch_id: id })
          .whereIn(
            'api_key',
            gone.map(r => r.api_key),
          )
          .update({
            outcome: 'cancelled',
            reason: 'Cancelled before it started.',
          });
      }
      await tx(BATCH)
        .where({ id })
        .whereNull('cancelled_at')
        .update({ cancelled_at: new Date().toISOString() });
      return keys;
    });
    await this.onChange(removed);
    return removed;
  }

  async pruneBatches(requestedBefore: string): Promise<number> {
    let pruned = 0;
    for (;;) {
      // In slices: a first prune after an upgrade may find many.
      const ended: Array<{ id: string }> = await this.knex(BATCH)
        .select('id')
        .where('requested_at', '<', requestedBefore)
        .whereNotExists(
          this.knex(ONBOARDING)
            .select('api_key')
            .whereRaw('?? = ??', [`${ONBOARDING}.batch_id`, `${BATCH}.id`])
            .whereIn('state', ['queued', 'running']),
        )
        .limit(CHUNK);
      if (ended.length === 0) return pruned;
      const ids = ended.map(b => b.id);
      await this.knex.transaction(async tx => {
        await tx(BATCH_ITEM).whereIn('batch_id', ids).delete();
        await tx(BATCH).whereIn('id', ids).delete();
      });
      pruned += ids.length;
      await nextTurn();
    }
  }
}

/** Rows a take may start: queued, or running under a lease that ran out. */
function takeable(now: number) {
  return (q: Knex.QueryBuilder) =>
    q
      .where('state', 'queued')
      .orWhere(running =>
        running.where('state', 'running').andWhere('lease_until', '<', now),
      );
}

/**
 * Holds the row `key` of a lock table until the transaction ends, creating it if need be:
 * writing a row (to itself) takes a row lock on PostgreSQL and MySQL, the database lock on
 * SQLite, so what the transaction then counts and writes is seen by one at a time.
 */
async function lockRow(
  tx: Knex.Transaction,
  table: string,
  column: string,
  key: string,
): Promise<void> {
  const lock = () =>
    tx(table)
      .where({ [column]: key })
      .update({ [column]: key });
  if ((await lock()) === 0) {
    await tx(table)
      .insert({ [column]: key })
      .onConflict(column)
      .ignore();
    await lock();
  }
}

/**
 * A user's single operations queued or running. Batches are bounded per request and paced;
 * they have their own limits.
 */
function activeSingles(db: Knex | Knex.Transaction, userEntityRef: string) {
  return db(ONBOARDING)
    .where({ requested_by: userEntityRef })
    .whereNull('batch_id')
    .whereIn('state', ['queued', 'running']);
}

/** The `count(*)` (or the counted column) of a query as a number. */
async function countRows(
  query: Knex.QueryBuilder,
  counted = false,
): Promise<number> {
  const row = await (counted ? query : query.count({ n: '*' })).first();
  return Number((row as { n?: number | string } | undefined)?.n ?? 0);
}

/**
 * Queues an onboarding in the transaction unless one is queued or running: true when this
 * call queued it (a new row, or one whose last operation ended).
 */
async function claimIn(
  tx: Knex.Transaction,
  row: Omit<OnboardingRow, 'state'>,
): Promise<boolean> {
  const values = {
    api_key: row.apiKey,
    service_key: row.serviceKey,
    entity_ref: row.entityRef,
    target: JSON.stringify(row.target),
    state: 'queued',
    requested_by: row.requestedBy ?? null,
    requested_at: row.requestedAt,
    finished_at: null,
    lease_until: null,
    lease_owner: null,
    error: null,
    batch_id: row.batchId ?? null,
    granted_by: row.grantedBy ?? null,
  };
  const inserted = await tx(ONBOARDING)
    .insert(values)
    .onConflict('api_key')
    .ignore()
    .returning('api_key');
  return (
    inserted.length === 1 ||
    (await tx(ONBOARDING)
      .where({ api_key: row.apiKey })
      .whereIn('state', ['succeeded', 'failed'])
      .update(values)) === 1
  );
}

/** Inserts a batch and its items. */
async function insertBatch(
  tx: Knex.Transaction,
  batch: NewOnboardingBatch,
  items: NewOnboardingBatchItem[],
): Promise<void> {
  await tx(BATCH).insert({
    id: batch.id,
    requested_by: batch.requestedBy,
    requested_at: batch.requestedAt,
  });
  for await (const chunk of chunksOf(items, CHUNK)) {
    await tx(BATCH_ITEM).insert(
      chunk.map(item => ({
        batch_id: batch.id,
        entity_ref: item.entityRef,
        api_key: item.apiKey ?? null,
        outcome: item.outcome,
        reason: item.reason ?? null,
      })),
    );
  }
}

/** The row of a run, while that run still holds it. */
function heldBy(lease: OnboardingLease) {
  return {
    api_key: lease.apiKey,
    state: 'running',
    lease_owner: lease.leaseToken,
  };
}
