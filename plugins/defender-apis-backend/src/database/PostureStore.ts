import {
  ApiPosture,
  PostureList,
  PostureSummary,
} from '@defender-apis/plugin-defender-apis-common';
import { Knex } from 'knex';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  composeApiPostures,
  composePosture,
  StoredPosture,
  unstorablePosture,
} from '../model/buildPosture';
import { SharedReads } from '../util/SharedReads';
import { chunksOf } from '../util/yieldToEventLoop';
import {
  ONBOARDING_TABLE,
  readOnboardings,
  ROWS_PER_STATEMENT as CHUNK,
  toOnboardingState,
  fromRaw,
  RawOnboardingRow,
} from './onboardingRows';
import {
  apiKeyOfPosture,
  factsOfRow,
  PostureRowValues,
  postureOfRow,
  SERVED_COLUMNS,
  toPostureRow,
} from './postureRow';
import {
  countPostures,
  listPostures,
  OWNER_TABLE,
  POSTURE_TABLE as POSTURE,
  summarizePostures,
} from './postureQueries';
import {
  isWholeCatalog,
  ResolvedListQuery,
  SummaryScope,
  Visibility,
} from '../model/postureQuery';

/** How long a catalog-wide summary is reused; other replicas' writes show within it. */
export const SUMMARY_TTL_MS = 5_000;

/** A posture the database refused, and why. */
export interface PostureWriteFailure {
  entityRef: string;
  reason: string;
}

/** What {@link PostureStore.putPostures} did. */
export interface PutPosturesResult<T = never> {
  /** Postures whose content changed and were written whole; the others only got the time. */
  rewritten: number;
  /** Postures the database refused (stored as `error` postures where it took those). */
  failed: PostureWriteFailure[];
  /** What `observeRewrite` made of the rewritten postures, once the write is committed. */
  observed: T[];
}

/**
 * Looks at a stored posture a write replaces with different content (not at new ones), while
 * both are at hand, and keeps what matters of the change: the store holds no more than that.
 */
export type RewriteObserver<T> = (
  before: ApiPosture,
  after: ApiPosture,
) => readonly T[];

/** Which revision of its catalog entity a stored posture was read from. */
export interface StoredEntityVersion {
  /** The posture's `entityVersion`, or null when it has none. */
  version: string | null;
  /** The posture's claim waits for a catalog-wide check. */
  claimPending: boolean;
}

/**
 * The merge of an upsert of posture rows: every column from the row given but the key, and
 * `status_since` kept while the status stays (the given row's otherwise).
 */
function mergeKeepingStatusSince(
  knex: Knex,
  columns: string[],
): Record<string, Knex.Raw> {
  const merge: Record<string, Knex.Raw> = {};
  for (const column of columns) {
    if (column !== 'entity_ref')
      merge[column] = knex.raw('excluded.??', [column]);
  }
  merge.status_since = knex.raw(
    'case when ??.status = excluded.status and ??.status_since is not null then ??.status_since else excluded.status_since end',
    [POSTURE, POSTURE, POSTURE],
  );
  return merge;
}

/** `status_since` of an update that sets `status`: kept while the status stays, else `now`. */
function statusSinceOnUpdate(
  knex: Knex | Knex.Transaction,
  status: string,
  now: string,
): Knex.Raw {
  return knex.raw(
    'case when status = ? and status_since is not null then status_since else ? end',
    [status, now],
  );
}

/**
 * Posture per catalog entity: the facts, the posture as served (composed with the onboarding
 * state of its API and the claims on it) and the columns lists filter, sort and count on.
 */
export interface PostureStore {
  /** The facts of one entity. */
  getPosture(entityRef: string): Promise<StoredPosture | undefined>;
  /** The facts of the given entities (all when none are given), by entity ref. */
  getPostures(entityRefs?: string[]): Promise<StoredPosture[]>;
  /** The posture of one entity as served, in one read. */
  getApiPosture(entityRef: string): Promise<ApiPosture | undefined>;
  /** One page of the postures the caller may see, filtered and sorted in the database. */
  listPostures(
    query: ResolvedListQuery,
    visibility: Visibility,
  ): Promise<PostureList>;
  /** Counts by status and coverage, overall and per owner, system and domain. */
  summarize(
    visibility: Visibility,
    scope?: SummaryScope,
  ): Promise<PostureSummary>;
  /** How many postures of the scope the caller may see are counted (their claims checked). */
  countPostures(scope: SummaryScope, visibility: Visibility): Promise<number>;
  /** Writes postures read by a read that started at `readAt`; see the implementation. */
  putPostures<T = never>(
    postures: StoredPosture[] | AsyncIterable<StoredPosture[]>,
    readAt: string,
    observeRewrite?: RewriteObserver<T>,
  ): Promise<PutPosturesResult<T>>;
  /** The entity version of every stored posture, by entity ref, in one read of two columns. */
  entityVersions(): Promise<Map<string, StoredEntityVersion>>;
  /**
   * Stale postures (their last read from Azure failed) whose data was last read from Azure at
   * or after `from` and before `to` (ISO times), at most `limit` of them.
   */
  stalePostures(from: string, to: string, limit: number): Promise<ApiPosture[]>;
  /** Removes postures of entities not in `entityRefs` and written before `startedAt`. */
  deletePosturesExcept(
    entityRefs: string[],
    startedAt: string,
  ): Promise<number>;
  /** Removes postures of the given entities written before `startedAt`. */
  deletePostures(entityRefs: string[], startedAt: string): Promise<number>;
  /** Whether any posture is stored. */
  hasPostures(): Promise<boolean>;
  /** Composes the postures of the entities mapped to these APIs again, after their onboarding changed. */
  recomposeApis(apiKeys: string[]): Promise<void>;
}

/**
 * {@link PostureStore} in the plugin's database. Every write composes the affected postures,
 * so reads never compose.
 */
export class KnexPostureStore implements PostureStore {
  /**
   * Summaries of everything (an unconditional ALLOW, the common case), shared by all callers
   * for a few seconds: every change this replica writes clears them.
   */
  private readonly summaries = new SharedReads<PostureSummary>(SUMMARY_TTL_MS);

  constructor(private readonly knex: Knex) {}

  async recomposeApis(apiKeys: string[]): Promise<void> {
    // Each in a transaction whose read locks the API's rows: a refresh writing them meanwhile
    // is waited for and its facts composed, not overwritten with those read before it.
    for (const apiKey of apiKeys)
      await this.knex.transaction(tx => this.recomposeApi(apiKey, tx));
  }

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
      .select(SERVED_COLUMNS)
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
  summarize(
    visibility: Visibility,
    scope: SummaryScope = {},
  ): Promise<PostureSummary> {
    if (!visibility.all || !isWholeCatalog(scope))
      return summarizePostures(this.knex, visibility, scope);
    return this.summaries.get('all', () =>
      summarizePostures(this.knex, visibility),
    );
  }

  countPostures(scope: SummaryScope, visibility: Visibility): Promise<number> {
    return countPostures(this.knex, scope, visibility);
  }

  async getPostures(entityRefs?: string[]): Promise<StoredPosture[]> {
    const query = this.knex(POSTURE)
      .select('data', 'refreshed_at')
      .orderBy('entity_ref');
    if (entityRefs) {
      const rows: Array<{ data: string; refreshed_at: string | null }> = [];
      for await (const chunk of chunksOf(entityRefs, CHUNK)) {
        rows.push(...(await query.clone().whereIn('entity_ref', chunk)));
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
  async putPostures<T = never>(
    postures: StoredPosture[] | AsyncIterable<StoredPosture[]>,
    readAt: string,
    observeRewrite?: RewriteObserver<T>,
  ): Promise<PutPosturesResult<T>> {
    const result: PutPosturesResult<T> = {
      rewritten: 0,
      failed: [],
      observed: [],
    };
    if (Array.isArray(postures) && postures.length === 0) return result;
    const chunks = Array.isArray(postures) ? [postures] : postures;
    const apiKeys = new Set<string>();
    const times = { readAt, updatedAt: new Date() };
    await this.knex.transaction(async tx => {
      let first = true;
      for await (const given of chunks) {
        // chunksOf gives a turn between its own slices; this one comes between given chunks.
        if (!first) await nextTurn();
        first = false;
        for await (const chunk of chunksOf(given, CHUNK)) {
          const outcome = await this.writeChunkAlone(
            tx,
            chunk,
            times,
            apiKeys,
            observeRewrite,
          );
          result.rewritten += outcome.rewritten;
          result.failed.push(...outcome.failed);
          result.observed.push(...outcome.observed);
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
  private async writeChunkAlone<T>(
    tx: Knex.Transaction,
    chunk: StoredPosture[],
    times: { readAt: string; updatedAt: Date },
    claimedBefore: Set<string>,
    observeRewrite?: RewriteObserver<T>,
  ): Promise<{
    rewritten: number;
    stored: StoredPosture[];
    failed: PostureWriteFailure[];
    observed: T[];
  }> {
    try {
      const { rewritten, observed } = await tx.transaction(sp =>
        this.writeChunk(sp, chunk, times, claimedBefore, observeRewrite),
      );
      return { rewritten, stored: chunk, failed: [], observed };
    } catch {
      // Which posture was refused is not told; find it by writing each alone.
    }
    const outcome = {
      rewritten: 0,
      stored: [] as StoredPosture[],
      failed: [] as PostureWriteFailure[],
      observed: [] as T[],
    };
    for (const posture of chunk) {
      try {
        const { rewritten, observed } = await tx.transaction(sp =>
          this.writeChunk(sp, [posture], times, claimedBefore, observeRewrite),
        );
        outcome.rewritten += rewritten;
        outcome.observed.push(...observed);
        outcome.stored.push(posture);
        continue;
      } catch (error) {
        const reason = describeStoreError(error);
        outcome.failed.push({ entityRef: posture.entityRef, reason });
        try {
          const errorPosture = unstorablePosture(posture, reason);
          const { rewritten } = await tx.transaction(sp =>
            this.writeChunk(sp, [errorPosture], times, claimedBefore),
          );
          outcome.rewritten += rewritten;
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
   * whole; adds to `claimedBefore` the APIs the written entities claimed before, whose
   * conflicts may end with this write (an entity that now names another API, or none).
   */
  private async writeChunk<T>(
    tx: Knex.Transaction,
    chunk: StoredPosture[],
    { readAt, updatedAt }: { readAt: string; updatedAt: Date },
    claimedBefore: Set<string>,
    observeRewrite?: RewriteObserver<T>,
  ): Promise<{ rewritten: number; observed: T[] }> {
    const nothing = { rewritten: 0, observed: [] as T[] };
    const stored: Array<{
      entity_ref: string;
      read_at: string | null;
      content_hash: string | null;
      api_key: string | null;
    }> = await tx(POSTURE)
      .select('entity_ref', 'read_at', 'content_hash', 'api_key')
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
    if (kept.length === 0) return nothing;
    for (const row of stored)
      if (row.api_key && !newer.has(row.entity_ref))
        claimedBefore.add(row.api_key);
    const onboardings = await readOnboardings(tx, [
      ...new Set(kept.flatMap(p => apiKeyOfPosture(p) ?? [])),
    ]);
    const composed = new Map<string, ApiPosture>();
    const rows = kept.map(p => {
      const key = apiKeyOfPosture(p);
      const onboarding = key ? onboardings.get(key) : undefined;
      const posture = composePosture(
        p,
        onboarding && toOnboardingState(onboarding),
      );
      composed.set(p.entityRef, posture);
      return toPostureRow(p, posture);
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
    if (rewrite.length === 0) return nothing;
    // What each changed row held, read only when someone looks at the changes.
    const replaced = observeRewrite
      ? await this.postureRows(
          tx,
          changed
            .map(r => r.values.entity_ref)
            .filter(ref => storedHash.has(ref)),
        )
      : new Map<string, ApiPosture>();
    const values = rewrite.map(r => ({
      ...r.values,
      read_at: readAt,
      updated_at: updatedAt,
      status_since: readAt,
    }));
    const written: Array<{ entity_ref: string }> = await tx(POSTURE)
      .insert(values)
      .onConflict('entity_ref')
      .merge(mergeKeepingStatusSince(tx, Object.keys(values[0])))
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
    const observed: T[] = [];
    for (const [ref, before] of replaced) {
      if (writtenRefs.has(ref))
        observed.push(...observeRewrite!(before, composed.get(ref)!));
    }
    return { rewritten: writtenRefs.size, observed };
  }

  /** The stored postures of these entities, as served, by entity ref. */
  private async postureRows(
    tx: Knex.Transaction,
    entityRefs: string[],
  ): Promise<Map<string, ApiPosture>> {
    if (entityRefs.length === 0) return new Map();
    const rows: Array<{
      entity_ref: string;
      posture: string;
      refreshed_at: string | null;
    }> = await tx(POSTURE)
      .select('entity_ref', ...SERVED_COLUMNS)
      .whereIn('entity_ref', entityRefs);
    return new Map(rows.map(row => [row.entity_ref, postureOfRow(row)]));
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
    for await (const chunk of chunksOf(owners, CHUNK)) {
      await tx(OWNER_TABLE).insert(chunk);
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
      .where({ api_key: apiKey })
      // A row lock where the database has them; SQLite runs one writer at a time anyway.
      .modify(q => (isPostgres(db) ? q.forUpdate() : q));
    const raw: RawOnboardingRow | undefined = await db(ONBOARDING_TABLE)
      .where({ api_key: apiKey })
      .first();
    const onboarding = raw && toOnboardingState(fromRaw(raw));
    const facts = rows.map(factsOfRow);
    const postures = composeApiPostures(facts, onboarding);
    const now = new Date().toISOString();
    for (const [i, stored] of facts.entries()) {
      const { values } = toPostureRow(stored, postures[i]);
      await db(POSTURE)
        .where({ entity_ref: stored.entityRef })
        .update({
          ...values,
          status_since: statusSinceOnUpdate(db, values.status, now),
        });
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
    for await (const chunk of chunksOf(apiKeys, CHUNK)) {
      const contested: Array<{ api_key: string }> = await db(POSTURE)
        .select('api_key')
        .whereIn('api_key', chunk)
        .groupBy('api_key')
        .havingRaw(
          "count(*) > 1 or sum(case when status = 'conflict' then 1 else 0 end) > 0",
        );
      for (const { api_key } of contested) await this.recomposeApi(api_key, db);
    }
  }

  /** Composes rows written before the posture columns existed (see the migration). */
  async composeUncomposed(): Promise<void> {
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

  async stalePostures(
    from: string,
    to: string,
    limit: number,
  ): Promise<ApiPosture[]> {
    const rows: Array<{ posture: string; refreshed_at: string | null }> =
      await this.knex(POSTURE)
        .select(SERVED_COLUMNS)
        .where('stale', true)
        .where('refreshed_at', '>=', from)
        .where('refreshed_at', '<', to)
        .orderBy('refreshed_at')
        .limit(limit);
    return rows.map(postureOfRow);
  }

  async entityVersions(): Promise<Map<string, StoredEntityVersion>> {
    const rows: Array<{
      entity_ref: string;
      entity_version: string | null;
      claim_pending: boolean | number;
    }> = await this.knex(POSTURE).select(
      'entity_ref',
      'entity_version',
      'claim_pending',
    );
    return new Map(
      rows.map(r => [
        r.entity_ref,
        // SQLite answers booleans as 0 and 1.
        { version: r.entity_version, claimPending: Boolean(r.claim_pending) },
      ]),
    );
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
    await nextTurn();
    return this.deletePostures(
      stored.map(r => r.entity_ref).filter(ref => !keep.has(ref)),
      startedAt,
    );
  }

  /**
   * Removes the postures of these entities written before `startedAt`: one a read wrote
   * since (the entity is back) stays. Returns how many were asked to go.
   */
  async deletePostures(gone: string[], startedAt: string): Promise<number> {
    for await (const chunk of chunksOf(gone, CHUNK)) {
      await this.knex.transaction(async tx => {
        const apiKeys: Array<{ api_key: string }> = await tx(POSTURE)
          .distinct('api_key')
          .whereIn('entity_ref', chunk)
          .whereNotNull('api_key');
        const removed = tx(POSTURE)
          .select('entity_ref')
          .whereIn('entity_ref', chunk)
          .where(q =>
            q.whereNull('read_at').orWhere('read_at', '<', startedAt),
          );
        await tx(OWNER_TABLE).whereIn('entity_ref', removed).delete();
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
}

/** The database's own words on why a write failed, without the statement knex puts first. */
function describeStoreError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // knex prefixes the driver's message with the statement and " - ".
  const own = message.slice(message.lastIndexOf(' - ') + 1).replace(/^- /, '');
  return own.length > 300 ? `${own.slice(0, 300)}…` : own;
}

function isPostgres(db: Knex | Knex.Transaction): boolean {
  return String(db.client.config.client) === 'pg';
}
