import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { ONBOARDING_TABLE } from './onboardingRows';
import { databaseNowMs } from './databaseClock';

const OFFBOARDING = 'defender_apis_offboarding';

/**
 * How long a running offboarding stays claimed. The DELETE is answered at once (ARM does not
 * run it as a long operation) and gives up after `defenderApis.azure.requestTimeout`; a
 * request whose replica died leaves its claim to run out, and the next request takes over.
 */
export const OFFBOARDING_LEASE_MS = 2 * 60 * 1000;

/** One offboarding as asked for. */
export interface OffboardingClaim {
  apiKey: string;
  entityRef: string;
  requestedBy: string;
  requestedAt: string;
  /**
   * When the facts the request decided on were read from Azure (ISO time): an offboarding that
   * succeeded after it already removed what the request saw, so the request claims nothing.
   */
  factsReadAt: string;
}

/** The claim a request holds on a running offboarding: only it may finish the row. */
export interface OffboardingLease {
  apiKey: string;
  leaseToken: string;
}

/** The last offboarding of an API, as stored. */
export interface OffboardingRow extends Omit<OffboardingClaim, 'factsReadAt'> {
  state: 'running' | 'succeeded' | 'failed';
  finishedAt?: string;
  error?: string;
}

/** Offboarding operations: one DELETE per API at a time, across replicas. */
export interface OffboardingStore {
  /**
   * Claims the offboarding of an API unless another request runs it (within its lease) or
   * one succeeded after the claim's facts were read; the lease when this call holds the
   * claim, else undefined.
   */
  claim(claim: OffboardingClaim): Promise<OffboardingLease | undefined>;
  /**
   * Records the outcome under the lease; on success the API's finished onboarding operation
   * is forgotten in the same transaction (the API is no longer onboarded by it). False, and
   * nothing written, when the lease is no longer this request's.
   */
  finish(
    lease: OffboardingLease,
    outcome: { state: 'succeeded' } | { state: 'failed'; error: string },
  ): Promise<boolean>;
  /** The last offboarding of an API, if any. */
  get(apiKey: string): Promise<OffboardingRow | undefined>;
}

/** {@link OffboardingStore} in the plugin's database. */
export class KnexOffboardingStore implements OffboardingStore {
  constructor(
    private readonly knex: Knex,
    /** Told the API's key when its onboarding row is removed, to recompose its postures. */
    private readonly onOnboardingForgotten: (
      apiKeys: string[],
    ) => Promise<void>,
  ) {}

  async claim(claim: OffboardingClaim): Promise<OffboardingLease | undefined> {
    const now = await databaseNowMs(this.knex);
    const leaseToken = randomUUID();
    const values = {
      api_key: claim.apiKey,
      entity_ref: claim.entityRef,
      state: 'running',
      requested_by: claim.requestedBy,
      requested_at: claim.requestedAt,
      finished_at: null,
      lease_until: now + OFFBOARDING_LEASE_MS,
      lease_owner: leaseToken,
      error: null,
    };
    const inserted = await this.knex(OFFBOARDING)
      .insert(values)
      .onConflict('api_key')
      .ignore()
      .returning('api_key');
    if (inserted.length === 1) return { apiKey: claim.apiKey, leaseToken };
    // One conditional update: of concurrent claims on a finished (or abandoned) row, one wins;
    // a request that read the API before the last offboarding succeeded has nothing to remove.
    const taken = await this.knex(OFFBOARDING)
      .where({ api_key: claim.apiKey })
      .andWhere(q =>
        q
          .where('state', 'failed')
          .orWhere(succeeded =>
            succeeded
              .where('state', 'succeeded')
              .andWhere('finished_at', '<', claim.factsReadAt),
          )
          .orWhere(abandoned =>
            abandoned
              .where('state', 'running')
              .andWhere('lease_until', '<', now),
          ),
      )
      .update(values);
    return taken === 1 ? { apiKey: claim.apiKey, leaseToken } : undefined;
  }

  async finish(
    lease: OffboardingLease,
    outcome: { state: 'succeeded' } | { state: 'failed'; error: string },
  ): Promise<boolean> {
    const forgotten = await this.knex.transaction(async tx => {
      const finished = await tx(OFFBOARDING)
        .where({
          api_key: lease.apiKey,
          state: 'running',
          lease_owner: lease.leaseToken,
        })
        .update({
          state: outcome.state,
          error: outcome.state === 'failed' ? outcome.error : null,
          finished_at: new Date().toISOString(),
          lease_until: null,
          lease_owner: null,
        });
      if (finished !== 1) return undefined;
      if (outcome.state !== 'succeeded') return 0;
      // A queued or running onboarding (asked for since) stays: it onboards the API again.
      return tx(ONBOARDING_TABLE)
        .where({ api_key: lease.apiKey })
        .whereIn('state', ['succeeded', 'failed'])
        .delete();
    });
    if (forgotten) await this.onOnboardingForgotten([lease.apiKey]);
    return forgotten !== undefined;
  }

  async get(apiKey: string): Promise<OffboardingRow | undefined> {
    const row = await this.knex(OFFBOARDING).where({ api_key: apiKey }).first();
    if (!row) return undefined;
    return {
      apiKey: row.api_key,
      entityRef: row.entity_ref,
      requestedBy: row.requested_by,
      requestedAt: row.requested_at,
      state: row.state,
      ...(row.finished_at ? { finishedAt: row.finished_at } : {}),
      ...(row.error ? { error: row.error } : {}),
    };
  }
}
