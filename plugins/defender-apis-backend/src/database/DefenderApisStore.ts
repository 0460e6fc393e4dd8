import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  ApiPosture,
  emptyAlerts,
  OnboardingBatch,
  OnboardingBatchOutcome,
  OnboardingState,
  PostureList,
  PostureSummary,
} from '@defender-apis/plugin-defender-apis-common';
import { Knex } from 'knex';
import { OnboardTarget } from '../azure/DefenderAzureClient';
import { StoredPosture } from '../posture/buildPosture';
import { conflictsAmong } from '../posture/claims';
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { SharedReads } from '../util/SharedReads';
import {
  apiKeyOfPosture,
  factsOfRow,
  PostureRowValues,
  postureOfRow,
  toPostureRow,
} from './postureRow';
import {
  listPostures,
  OWNER_TABLE,
  POSTURE_TABLE as POSTURE,
  ResolvedListQuery,
  summarizePostures,
  Visibility,
} from './postureQueries';

const ONBOARDING = 'defender_apis_onboarding';
/** One row per APIM service, locked while an operation of the service is counted and taken. */
const SERVICE_LOCK = 'defender_apis_onboarding_service_lock';
const BATCH = 'defender_apis_onboarding_batch';
const BATCH_ITEM = 'defender_apis_onboarding_batch_item';
/** How long a catalog-wide summary is reused; other replicas' writes show within it. */
export const SUMMARY_TTL_MS = 5_000;
/**
 * Rows per statement: SQLite and PostgreSQL both limit bound parameters. Loops over chunks
 * give the event loop a turn between statements: better-sqlite3 runs them synchronously, so
 * a loop of awaited statements never lets other requests in by itself.
 */
const CHUNK = 200;
/**
 * How long a running onboarding stays claimed without renewal. The replica running it renews
 * the lease while it polls; a replica that was killed loses it, and another takes over.
 */
export const ONBOARDING_LEASE_MS = 2 * 60 * 1000;

/** A posture the database refused, and why. */
export interface PostureWriteFailure {
  entityRef: string;
  reason: string;
}

/** What {@link DefenderApisStore.putPostures} did. */
export interface PutPosturesResult {
  /** Postures whose content changed and were written whole; the others only got the time. */
  rewritten: number;
  /** Postures the database refused (stored as `error` postures where it took those). */
  failed: PostureWriteFailure[];
}

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

interface RawOnboardingRow {
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
}

function fromRaw(row: RawOnboardingRow): OnboardingRow {
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
 * The plugin's database: posture per entity (the facts, the posture as served and the columns
 * lists filter, sort and count on) and onboarding operations per API. Every change of either
 * recomposes the affected postures, so reads never compose.
 */
export class DefenderApisStore {
  static async create(database: DatabaseService): Promise<DefenderApisStore> {
    const knex = await database.getClient();
    if (!database.migrations?.skip) {
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@defender-apis/plugin-defender-apis-backend',
          'migrations',
        ),
      });
    }
    const store = new DefenderApisStore(knex);
    await store.composeUncomposed();
    return store;
  }

  /**
   * Summaries of everything (an unconditional ALLOW, the common case), shared by all callers
   * for a few seconds: every change this replica writes clears them.
   */
  private readonly summaries = new SharedReads<PostureSummary>(SUMMARY_TTL_MS);

  private constructor(private readonly knex: Knex) {}

  async getPosture(entityRef: string): Promise<StoredPosture | undefined> {
    const row = await this.knex(POSTURE)
      .select('data', 'refreshed_at')
      .where({ entity_ref: entityRef })
      .first();
    return row ? factsOfRow(row) : undefined;
  }

  /** The posture of one entity as served, in one read. */
  async getApiPosture(entityRef: string): Promise<ApiPosture | undefined> {
    const row = await this.knex(POSTURE)
      .select('posture', 'refreshed_at')
      .where({ entity_ref: entityRef })
      .whereNotNull('posture')
      .first();
    return row ? postureOfRow(row) : undefined;
  }

  /** One page of the postures the caller may see, filtered and sorted in the database. */
  async listPostures(
    query: ResolvedListQuery,
    visibility: Visibility,
  ): Promise<PostureList> {
    const page = await listPostures(this.knex, query, visibility);
    return {
      ...page,
      ...(query.cursor ? {} : { offset: query.offset ?? 0 }),
      limit: query.limit,
    };
  }

  /** Counts by status and coverage, overall and per owner, system and domain. */
  summarize(visibility: Visibility): Promise<PostureSummary> {
    if (!visibility.all) return summarizePostures(this.knex, visibility);
    return this.summaries.get('all', () =>
      summarizePostures(this.knex, visibility),
    );
  }

  async getPostures(entityRefs?: string[]): Promise<StoredPosture[]> {
    const query = this.knex(POSTURE)
      .select('data', 'refreshed_at')
      .orderBy('entity_ref');
    if (entityRefs) {
      const rows: Array<{ data: string; refreshed_at: string | null }> = [];
      // Chunked: SQLite limits the number of bound parameters.
      for (let i = 0; i < entityRefs.length; i += 500) {
        if (i > 0) await nextTurn();
        rows.push(
          ...(await query
            .clone()
            .whereIn('entity_ref', entityRefs.slice(i, i + 500))),
        );
      }
      return rows.map(factsOfRow);
    }
    return (await query).map(factsOfRow);
  }

  /**
   * Writes postures read by a read that started at `readAt` (ISO time) with their onboarding
   * state, in one transaction, and never replaces a row written by a read that started later.
   * Postures may come as an array or in chunks made while the transaction runs, so that a
   * refresh never holds all its postures and rows at once. Each chunk of rows starts on a new
   * turn of the event loop: SQLite statements run synchronously, so a transaction of thousands
   * of rows would otherwise hold the loop from its first statement to its commit.
   *
   * One posture the database refuses never stops the others: each chunk is written under a
   * savepoint, and a chunk that fails is written again posture by posture; a posture that still
   * fails is stored as an `error` posture with the database's reason, or, when even that fails,
   * left as it was. Either way it is counted in `failed`. A chunk source that throws (a bug
   * building postures) still rolls the whole write back.
   */
  async putPostures(
    postures: StoredPosture[] | AsyncIterable<StoredPosture[]>,
    readAt: string,
  ): Promise<PutPosturesResult> {
    const result: PutPosturesResult = { rewritten: 0, failed: [] };
    if (Array.isArray(postures) && postures.length === 0) return result;
    const chunks = Array.isArray(postures) ? [postures] : postures;
    const apiKeys = new Set<string>();
    const times = { readAt, updatedAt: new Date() };
    await this.knex.transaction(async tx => {
      let written = 0;
      for await (const given of chunks) {
        for (let i = 0; i < given.length; i += CHUNK) {
          if (written++ > 0) await nextTurn();
          const chunk = given.slice(i, i + CHUNK);
          const outcome = await this.writeChunkAlone(tx, chunk, times);
          result.rewritten += outcome.rewritten;
          result.failed.push(...outcome.failed);
          for (const p of outcome.stored) {
            const key = apiKeyOfPosture(p);
            if (key) apiKeys.add(key);
          }
        }
      }
      await this.settleClaims(tx, [...apiKeys]);
    });
    this.summaries.clear();
    return result;
  }

  /**
   * Writes a chunk under a savepoint; when the database refuses it, each posture on its own,
   * so that one refused posture costs only itself.
   */
  private async writeChunkAlone(
    tx: Knex.Transaction,
    chunk: StoredPosture[],
    times: { readAt: string; updatedAt: Date },
  ): Promise<{
    rewritten: number;
    stored: StoredPosture[];
    failed: PostureWriteFailure[];
  }> {
    try {
      const rewritten = await tx.transaction(sp =>
        this.writeChunk(sp, chunk, times),
      );
      return { rewritten, stored: chunk, failed: [] };
    } catch {
      // Which posture was refused is not told; find it by writing each alone.
    }
    const outcome = {
      rewritten: 0,
      stored: [] as StoredPosture[],
      failed: [] as PostureWriteFailure[],
    };
    for (const posture of chunk) {
      try {
        outcome.rewritten += await tx.transaction(sp =>
          this.writeChunk(sp, [posture], times),
        );
        outcome.stored.push(posture);
        continue;
      } catch (error) {
        const reason = describeStoreError(error);
        outcome.failed.push({ entityRef: posture.entityRef, reason });
        try {
          const errorPosture = unstorablePosture(posture, reason);
          outcome.rewritten += await tx.transaction(sp =>
            this.writeChunk(sp, [errorPosture], times),
          );
        } catch {
          // The row stays as it was; the failure is counted above.
        }
      }
    }
    return outcome;
  }

  /**
   * Writes one chunk of postures (at most {@link CHUNK}): those whose content changed whole,
   * with their owners; those read again unchanged (most of them, in a refresh) get the new
   * refresh and read times in one statement per refresh time. Returns how many were written
   * whole.
   */
  private async writeChunk(
    tx: Knex.Transaction,
    chunk: StoredPosture[],
    { readAt, updatedAt }: { readAt: string; updatedAt: Date },
  ): Promise<number> {
    const stored: Array<{
      entity_ref: string;
      read_at: string | null;
      content_hash: string | null;
    }> = await tx(POSTURE)
      .select('entity_ref', 'read_at', 'content_hash')
      .whereIn(
        'entity_ref',
        chunk.map(p => p.entityRef),
      );
    // Rows written by a read that started later (a first view, a read after onboarding) stay.
    const newer = new Set(
      stored
        .filter(r => r.read_at && r.read_at > readAt)
        .map(r => r.entity_ref),
    );
    const kept = chunk.filter(p => !newer.has(p.entityRef));
    if (kept.length === 0) return 0;
    const onboardings = await this.getOnboardings(
      [...new Set(kept.flatMap(p => apiKeyOfPosture(p) ?? []))],
      tx,
    );
    const rows = kept.map(p => {
      const key = apiKeyOfPosture(p);
      const onboarding = key ? onboardings.get(key) : undefined;
      return toPostureRow(p, onboarding && toOnboardingState(onboarding));
    });
    const storedHash = new Map(stored.map(r => [r.entity_ref, r.content_hash]));
    const isUnchanged = (r: (typeof rows)[number]) =>
      storedHash.get(r.values.entity_ref) === r.values.content_hash;
    const unchanged = rows.filter(isUnchanged);
    const changed = rows.filter(r => !isUnchanged(r));
    const touched = await this.touchUnchanged(
      tx,
      unchanged.map(r => r.values),
      { readAt, updatedAt },
    );
    // A row another writer changed since the select above is written whole (still guarded).
    const rewrite = touched ? changed : rows;
    if (rewrite.length === 0) return 0;
    const values = rewrite.map(r => ({
      ...r.values,
      read_at: readAt,
      updated_at: updatedAt,
    }));
    const written: Array<{ entity_ref: string }> = await tx(POSTURE)
      .insert(values)
      .onConflict('entity_ref')
      .merge(Object.keys(values[0]).filter(c => c !== 'entity_ref'))
      // The same guard in the statement itself, against a write that landed since the select
      // (on PostgreSQL, one this statement waited for).
      .where(q =>
        q
          .whereNull(`${POSTURE}.read_at`)
          .orWhere(`${POSTURE}.read_at`, '<=', readAt),
      )
      .returning('entity_ref');
    // Owners only of the rows written: the others keep those of the read that wrote them.
    const writtenRefs = new Set(written.map(r => r.entity_ref));
    await this.replaceOwners(
      tx,
      rewrite
        .filter(r => writtenRefs.has(r.values.entity_ref))
        .map(r => ({ entityRef: r.values.entity_ref, owners: r.owners })),
    );
    return writtenRefs.size;
  }

  /**
   * Moves the refresh and read times of rows whose stored content is what was read again.
   * False when a row no longer matched (another writer changed it since it was selected).
   */
  private async touchUnchanged(
    tx: Knex.Transaction,
    rows: PostureRowValues[],
    { readAt, updatedAt }: { readAt: string; updatedAt: Date },
  ): Promise<boolean> {
    // Rows read again unchanged keep their refresh time when they stay stale.
    const byRefreshTime = new Map<string, PostureRowValues[]>();
    for (const row of rows) {
      const group = byRefreshTime.get(row.refreshed_at) ?? [];
      group.push(row);
      byRefreshTime.set(row.refreshed_at, group);
    }
    let touched = 0;
    for (const [refreshedAt, group] of byRefreshTime) {
      touched += await tx(POSTURE)
        .whereIn(
          'entity_ref',
          group.map(r => r.entity_ref),
        )
        // Each hash covers its entity's ref, so matching any of them is matching its own.
        .whereIn(
          'content_hash',
          group.map(r => r.content_hash),
        )
        .where(q => q.whereNull('read_at').orWhere('read_at', '<=', readAt))
        .update({
          refreshed_at: refreshedAt,
          read_at: readAt,
          updated_at: updatedAt,
        });
    }
    return touched === rows.length;
  }

  private async replaceOwners(
    tx: Knex.Transaction,
    rows: Array<{ entityRef: string; owners: string[] }>,
  ) {
    if (rows.length === 0) return;
    await tx(OWNER_TABLE)
      .whereIn(
        'entity_ref',
        rows.map(r => r.entityRef),
      )
      .delete();
    const owners = rows.flatMap(r =>
      r.owners.map(owner => ({ entity_ref: r.entityRef, owner_ref: owner })),
    );
    for (let i = 0; i < owners.length; i += CHUNK) {
      await tx(OWNER_TABLE).insert(owners.slice(i, i + CHUNK));
    }
  }

  /**
   * Composes the postures of the entities mapped to an API again with its current onboarding
   * state and claims: after every change of either, so the stored status is always current.
   */
  private async recomposeApi(
    apiKey: string,
    db: Knex | Knex.Transaction = this.knex,
  ): Promise<void> {
    const rows: Array<{ data: string; refreshed_at: string | null }> = await db(
      POSTURE,
    )
      .select('data', 'refreshed_at')
      .where({ api_key: apiKey });
    const raw: RawOnboardingRow | undefined = await db(ONBOARDING)
      .where({ api_key: apiKey })
      .first();
    const onboarding = raw && toOnboardingState(fromRaw(raw));
    const facts = rows.map(factsOfRow);
    // Entities whose mapping was refused (owner not allowed, no such API) claim nothing.
    const conflicts = conflictsAmong(facts.filter(f => !f.mappingIssue));
    for (const stored of facts) {
      const { values } = toPostureRow(
        stored,
        onboarding,
        conflicts.get(stored.entityRef),
      );
      await db(POSTURE).where({ entity_ref: stored.entityRef }).update(values);
    }
    this.summaries.clear();
  }

  /**
   * Recomposes the APIs among `apiKeys` whose claims may have changed with the last writes:
   * those more than one entity maps to, and those with an entity marked in conflict.
   */
  private async settleClaims(
    db: Knex | Knex.Transaction,
    apiKeys: string[],
  ): Promise<void> {
    for (let i = 0; i < apiKeys.length; i += 500) {
      if (i > 0) await nextTurn();
      const contested: Array<{ api_key: string }> = await db(POSTURE)
        .select('api_key')
        .whereIn('api_key', apiKeys.slice(i, i + 500))
        .groupBy('api_key')
        .havingRaw(
          "count(*) > 1 or sum(case when status = 'conflict' then 1 else 0 end) > 0",
        );
      for (const { api_key } of contested) await this.recomposeApi(api_key, db);
    }
  }

  /** Composes rows written before the posture columns existed (see the migration). */
  private async composeUncomposed(): Promise<void> {
    for (;;) {
      const uncomposed = await this.knex(POSTURE)
        .select('entity_ref')
        .whereNull('status')
        .limit(CHUNK);
      if (uncomposed.length === 0) return;
      const refs = uncomposed.map(r => r.entity_ref);
      const facts: StoredPosture[] = (
        await this.knex(POSTURE)
          .select('data', 'refreshed_at')
          .whereIn('entity_ref', refs)
      ).map(factsOfRow);
      // putPostures writes the owners too; any real read replaces these.
      await this.putPostures(facts, new Date(0).toISOString());
    }
  }

  /**
   * Removes postures of entities that left the catalog: those not in `entityRefs` (what a
   * refresh that started at `startedAt` saw) and written before it started.
   */
  async deletePosturesExcept(
    entityRefs: string[],
    startedAt: string,
  ): Promise<number> {
    const keep = new Set(entityRefs);
    const stored: { entity_ref: string }[] = await this.knex(POSTURE)
      .select('entity_ref')
      .where(q => q.whereNull('read_at').orWhere('read_at', '<', startedAt));
    const gone = stored.map(r => r.entity_ref).filter(ref => !keep.has(ref));
    for (let i = 0; i < gone.length; i += 500) {
      if (i > 0) await nextTurn();
      const chunk = gone.slice(i, i + 500);
      await this.knex.transaction(async tx => {
        const apiKeys: Array<{ api_key: string }> = await tx(POSTURE)
          .distinct('api_key')
          .whereIn('entity_ref', chunk)
          .whereNotNull('api_key');
        await tx(OWNER_TABLE).whereIn('entity_ref', chunk).delete();
        await tx(POSTURE)
          .whereIn('entity_ref', chunk)
          .where(q => q.whereNull('read_at').orWhere('read_at', '<', startedAt))
          .delete();
        // An entity that left may have been the other side of a conflict.
        await this.settleClaims(
          tx,
          apiKeys.map(r => r.api_key),
        );
      });
    }
    if (gone.length > 0) this.summaries.clear();
    return gone.length;
  }

  /** Whether any posture is stored. */
  async hasPostures(): Promise<boolean> {
    return Boolean(await this.knex(POSTURE).select('entity_ref').first());
  }

  async getOnboarding(apiKey: string): Promise<OnboardingRow | undefined> {
    const row = await this.knex(ONBOARDING).where({ api_key: apiKey }).first();
    return row ? fromRaw(row) : undefined;
  }

  async getOnboardings(
    apiKeys: string[],
    db: Knex | Knex.Transaction = this.knex,
  ): Promise<Map<string, OnboardingRow>> {
    const result = new Map<string, OnboardingRow>();
    for (let i = 0; i < apiKeys.length; i += 500) {
      if (i > 0) await nextTurn();
      const rows: RawOnboardingRow[] = await db(ONBOARDING).whereIn(
        'api_key',
        apiKeys.slice(i, i + 500),
      );
      for (const row of rows) result.set(row.api_key, fromRaw(row));
    }
    return result;
  }

  /**
   * Queues an onboarding unless one is already queued or running for the API. Atomic in the
   * database, so concurrent requests on any number of replicas claim it exactly once.
   * Returns true when this call queued it.
   */
  async claimOnboarding(row: Omit<OnboardingRow, 'state'>): Promise<boolean> {
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
    };
    const inserted = await this.knex(ONBOARDING)
      .insert(values)
      .onConflict('api_key')
      .ignore()
      .returning('api_key');
    const claimed =
      inserted.length === 1 ||
      (await this.knex(ONBOARDING)
        .where({ api_key: row.apiKey })
        .whereIn('state', ['succeeded', 'failed'])
        .update(values)) === 1;
    // Losers too: a claim in flight elsewhere may not have recomposed yet.
    await this.recomposeApi(row.apiKey);
    return claimed;
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
      const now = Date.now();
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
        await this.recomposeApi(outcome.apiKey);
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
    const now = Date.now();
    // Writing the lock row (to itself) holds it until commit (a row lock on PostgreSQL and
    // MySQL, the database lock on SQLite): takes for one service happen one after the other.
    const lock = () =>
      tx(SERVICE_LOCK)
        .where({ service_key: service })
        .update({ service_key: service });
    if ((await lock()) === 0) {
      await tx(SERVICE_LOCK)
        .insert({ service_key: service, taken_at: null })
        .onConflict('service_key')
        .ignore();
      await lock();
    }
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
    const row = await this.knex(ONBOARDING)
      .where({ requested_by: userEntityRef })
      // Batches are bounded per request and paced; they do not count against single requests.
      .whereNull('batch_id')
      .whereIn('state', ['queued', 'running'])
      .count({ n: '*' })
      .first();
    return Number((row as { n?: number | string } | undefined)?.n ?? 0);
  }

  /**
   * Extends the lease of an operation this replica runs. False when the lease is no longer
   * this run's (it ran out and another run took the operation over, or the operation ended).
   */
  async renewOnboardingLease(lease: OnboardingLease): Promise<boolean> {
    const renewed = await this.knex(ONBOARDING)
      .where(heldBy(lease))
      .update({ lease_until: Date.now() + ONBOARDING_LEASE_MS });
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
      if (requeued === 1) await this.recomposeApi(lease.apiKey);
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
    if (finished === 1) await this.recomposeApi(lease.apiKey);
    return finished === 1;
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

  /** Records a batch and what became of each of its APIs when requested. */
  async createBatch(
    batch: { id: string; requestedBy: string; requestedAt: string },
    items: Array<{
      entityRef: string;
      apiKey?: string;
      outcome: OnboardingBatchOutcome;
      reason?: string;
    }>,
  ): Promise<void> {
    await this.knex.transaction(async tx => {
      await tx(BATCH).insert({
        id: batch.id,
        requested_by: batch.requestedBy,
        requested_at: batch.requestedAt,
      });
      for (let i = 0; i < items.length; i += CHUNK) {
        await tx(BATCH_ITEM).insert(
          items.slice(i, i + CHUNK).map(item => ({
            batch_id: batch.id,
            entity_ref: item.entityRef,
            api_key: item.apiKey ?? null,
            outcome: item.outcome,
            reason: item.reason ?? null,
          })),
        );
      }
    });
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
      for (let i = 0; i < keys.length; i += CHUNK) {
        const chunk = keys.slice(i, i + CHUNK);
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
    for (const key of removed) await this.recomposeApi(key);
    return removed;
  }
}

/** Rows a take may start: queued, or running under a lease that ran out. */
/** The database's own words on why a write failed, without the statement knex puts first. */
function describeStoreError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // knex prefixes the driver's message with the statement and " - ".
  const own = message.slice(message.lastIndexOf(' - ') + 1).replace(/^- /, '');
  return own.length > 300 ? `${own.slice(0, 300)}…` : own;
}

/**
 * What is stored for an entity whose posture the database refused: its ref, owners and the
 * reason, as an `error` posture, without the catalog and Azure text that may have been refused.
 */
function unstorablePosture(
  posture: StoredPosture,
  reason: string,
): StoredPosture {
  return {
    entityRef: posture.entityRef,
    owners: posture.owners,
    alerts: emptyAlerts(),
    recommendations: [],
    stale: true,
    readError: `The posture of this entity could not be stored: ${reason}`,
    ...(posture.refreshedAt ? { refreshedAt: posture.refreshedAt } : {}),
  };
}

function takeable(now: number) {
  return (q: Knex.QueryBuilder) =>
    q
      .where('state', 'queued')
      .orWhere(running =>
        running.where('state', 'running').andWhere('lease_until', '<', now),
      );
}

/** The row of a run, while that run still holds it. */
function heldBy(lease: OnboardingLease) {
  return {
    api_key: lease.apiKey,
    state: 'running',
    lease_owner: lease.leaseToken,
  };
}
