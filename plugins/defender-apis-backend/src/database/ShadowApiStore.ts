import {
  ShadowApi,
  ShadowApiList,
  ShadowApiSortField,
} from '@defender-apis/plugin-defender-apis-common';
import { Knex } from 'knex';
import { claimedApiKey } from '../model/claims';
import { ResolvedShadowApiQuery } from '../model/shadowApis';
import { chunksOf } from '../util/yieldToEventLoop';
import { boundedText, COLUMN_LENGTHS, columnKey } from './columnKeys';
import { ROWS_PER_STATEMENT } from './onboardingRows';
import { containsPattern, readPage } from './pagedQuery';
import { POSTURE_TABLE } from './postureQueries';

const SHADOW_API = 'defender_apis_shadow_api';
const SHADOW_SERVICE = 'defender_apis_shadow_service';

/** An APIM service the refresh read, by its key (`serviceKey`). */
export interface ShadowServiceRef {
  key: string;
  subscriptionId: string;
  name: string;
}

const SORT_COLUMNS: Record<ShadowApiSortField, string> = {
  name: 'name_key',
  service: 'service_order',
};

/**
 * Shadow APIs as the last catalog-wide refresh found them, per APIM service. A service's
 * APIs are replaced whole when it is read; when its read fails they stay, and the failure is
 * recorded beside them.
 */
export interface ShadowApiStore {
  /** Replaces the shadow APIs of a service read at `readAt`. */
  replaceService(
    service: ShadowServiceRef,
    apis: ShadowApi[],
    readAt: string,
  ): Promise<void>;
  /** Records that a service could not be read; its shadow APIs stay as last read. */
  recordFailedRead(service: ShadowServiceRef, reason: string): Promise<void>;
  /** Forgets every service (and its shadow APIs) but these, by key. */
  keepServices(keys: string[]): Promise<void>;
  /**
   * One page of shadow APIs: those no stored posture maps to now, so an entity a first view
   * read since the refresh takes its API off the list at once.
   */
  list(query: ResolvedShadowApiQuery): Promise<ShadowApiList>;
}

/** {@link ShadowApiStore} in the plugin's database. */
export class KnexShadowApiStore implements ShadowApiStore {
  constructor(private readonly knex: Knex) {}

  async replaceService(
    service: ShadowServiceRef,
    apis: ShadowApi[],
    readAt: string,
  ): Promise<void> {
    await this.knex.transaction(async tx => {
      await tx(SHADOW_API)
        .where({ service_key: serviceKeyColumn(service) })
        .delete();
      for await (const chunk of chunksOf(apis, ROWS_PER_STATEMENT)) {
        // Azure text is not trusted to keep ids apart once bounded: the last one wins.
        await tx(SHADOW_API)
          .insert(uniqueByKey(chunk.map(api => shadowApiRow(service, api))))
          .onConflict('api_key')
          .merge();
      }
      await tx(SHADOW_SERVICE)
        .insert({ ...serviceRow(service), read_at: readAt, error: null })
        .onConflict('service_key')
        .merge(['read_at', 'error']);
    });
  }

  async recordFailedRead(
    service: ShadowServiceRef,
    reason: string,
  ): Promise<void> {
    await this.knex(SHADOW_SERVICE)
      .insert({ ...serviceRow(service), read_at: null, error: reason })
      .onConflict('service_key')
      .merge(['error']);
  }

  async keepServices(keys: string[]): Promise<void> {
    const kept = keys.map(k => columnKey(k, COLUMN_LENGTHS.serviceKey));
    await this.knex.transaction(async tx => {
      await tx(SHADOW_API).whereNotIn('service_key', kept).delete();
      await tx(SHADOW_SERVICE).whereNotIn('service_key', kept).delete();
    });
  }

  async list(query: ResolvedShadowApiQuery): Promise<ShadowApiList> {
    const rows = this.knex(SHADOW_API).whereNotExists(
      this.knex(POSTURE_TABLE)
        .select(this.knex.raw('1'))
        .whereRaw('??.api_key = ??.api_key', [POSTURE_TABLE, SHADOW_API]),
    );
    if (query.service?.length)
      rows.whereIn(
        'service_name',
        query.service.map(s => columnKey(s, COLUMN_LENGTHS.serviceName)),
      );
    if (query.subscription?.length)
      rows.whereIn(
        'subscription_id',
        query.subscription.map(s =>
          columnKey(s, COLUMN_LENGTHS.subscriptionId),
        ),
      );
    if (query.onboarded !== undefined) rows.where('onboarded', query.onboarded);
    if (query.applicable !== undefined)
      rows.where('applicable', query.applicable);
    if (query.q)
      rows.whereRaw(`search_text like ? escape '\\'`, [
        containsPattern(query.q),
      ]);
    const [{ rows: items, ...page }, reads] = await Promise.all([
      readPage<ShadowApiSortField, { api: string }>(rows, {
        query,
        column: SORT_COLUMNS[query.sort],
        key: 'api_key',
        select: ['api'],
      }),
      this.knex(SHADOW_SERVICE).select(
        'service_name',
        'subscription_id',
        'read_at',
        'error',
      ) as Promise<ServiceReadRow[]>,
    ]);
    const readAt = reads
      .map(r => r.read_at)
      .filter((t): t is string => Boolean(t))
      .sort()
      .pop();
    const unread = reads.filter(r => r.error);
    return {
      items: items.map(r => JSON.parse(r.api) as ShadowApi),
      ...page,
      ...(query.cursor ? {} : { offset: query.offset ?? 0 }),
      limit: query.limit,
      ...(readAt ? { readAt } : {}),
      ...(unread.length > 0
        ? {
            unreadServices: unread.map(r => ({
              serviceName: r.service_name,
              subscriptionId: r.subscription_id,
              reason: r.error!,
              ...(r.read_at ? { lastReadAt: r.read_at } : {}),
            })),
          }
        : {}),
    };
  }
}

interface ServiceReadRow {
  service_name: string;
  subscription_id: string;
  read_at: string | null;
  error: string | null;
}

function serviceKeyColumn(service: ShadowServiceRef): string {
  return columnKey(service.key, COLUMN_LENGTHS.serviceKey);
}

function serviceRow(service: ShadowServiceRef) {
  return {
    service_key: serviceKeyColumn(service),
    subscription_id: boundedText(
      service.subscriptionId,
      COLUMN_LENGTHS.subscriptionId,
    ),
    service_name: boundedText(service.name, COLUMN_LENGTHS.serviceName),
  };
}

function shadowApiRow(service: ShadowServiceRef, api: ShadowApi) {
  const nameKey = columnKey(
    api.displayName || api.apiId,
    COLUMN_LENGTHS.nameKey,
  );
  return {
    api_key: columnKey(claimedApiKey(api.resourceId), COLUMN_LENGTHS.apiKey),
    service_key: serviceKeyColumn(service),
    subscription_id: columnKey(
      service.subscriptionId,
      COLUMN_LENGTHS.subscriptionId,
    ),
    service_name: columnKey(service.name, COLUMN_LENGTHS.serviceName),
    name_key: nameKey,
    service_order: boundedText(
      `${service.name.toLowerCase()} ${nameKey}`,
      COLUMN_LENGTHS.serviceOrder,
    ),
    search_text: columnKey(
      [api.apiId, api.displayName ?? ''].join('\n'),
      Number.MAX_SAFE_INTEGER,
    ),
    onboarded: api.onboarded,
    applicable: api.applicable,
    api: JSON.stringify(api),
  };
}

function uniqueByKey<T extends { api_key: string }>(rows: T[]): T[] {
  return [...new Map(rows.map(r => [r.api_key, r])).values()];
}
