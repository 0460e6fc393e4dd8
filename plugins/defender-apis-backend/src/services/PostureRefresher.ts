import { setImmediate as nextTurn } from 'node:timers/promises';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  apiManagementApiResourceId,
  emptyAlerts,
  PlanTraffic,
} from '@defender-apis/plugin-defender-apis-common';
import { DefenderAzureApi } from '../azure/DefenderAzureClient';
import { Outcome, settle } from '../azure/settle';
import { PostureStore } from '../database/PostureStore';
import { SharedReads } from '../util/SharedReads';
import { PostureNotifier } from './PostureNotifier';
import { ServiceDirectory } from './ServiceDirectory';
import { ShadowApiRecorder } from './ShadowApiRecorder';
import { SubscriptionBulkReads } from './SubscriptionBulkReads';
import { ServiceBulkReads } from './ServiceBulkReads';
import { ReadVia } from '../model/readVia';
import { mapInChunks } from '../util/yieldToEventLoop';
import {
  collectionsByApi,
  ServiceFacts,
  SubscriptionFacts,
} from '../model/azureFacts';
import {
  AzureFactsOfApi,
  buildStoredPosture,
  StoredPosture,
} from '../model/buildPosture';
import {
  mapEntity,
  MappedEntity,
  needsAzure,
  ServiceIndex,
  serviceKey,
} from '../model/mapping';
import { planFit } from '../model/planFit';
import { claimedApiKey } from '../model/claims';
import { ApiCollection, ApimApi } from '../model/azureResources';
import { ConfiguredService } from '../model/configuredService';

/** Figures of one refresh, for logs and tests. */
export interface RefreshSummary {
  entities: number;
  subscriptionsRead: number;
  servicesRead: number;
  failedReads: number;
  /** Postures whose content changed and were written whole; the others only got the time. */
  posturesRewritten: number;
  /** Postures the database refused; each is logged and stored as an `error` posture. */
  posturesFailed: number;
  /** A full refresh's: where its subscriptions' security data came from. */
  readVia?: ReadVia;
  /** Why ARM's lists were read though Resource Graph was configured. */
  readViaFallbackReason?: string;
  /** A full refresh's: APIM service lists read from Azure (the others were stored). */
  serviceListsRead?: number;
}

/**
 * Postures built at a time and handed to the store: a refresh builds and writes them chunk by
 * chunk rather than holding every entity's posture and row at once.
 */
const POSTURES_PER_WRITE = 200;

/** How long first views reuse subscription and service reads they made themselves. */
export const SHARED_READ_TTL_MS = 60_000;
/**
 * How long first views reuse a subscription or service read that failed: a burst of new
 * entities' views while Azure fails makes one read, not one each. Refreshes always read again.
 */
export const FAILED_READ_TTL_MS = 30_000;

/** The Azure reads behind a set of entities, each settled. */
interface AzureReads {
  subscriptions: Map<string, Outcome<SubscriptionFacts>>;
  services: Map<string, Outcome<ServiceFacts>>;
  /** Collections by API key, per subscription (full refresh) or per API (first view). */
  collections: Map<string, Outcome<Map<string, ApiCollection>>>;
  collectionKey(entity: MappedEntity): string;
  /**
   * APIs by entity ref, missing from a service list read earlier: read one by one (first
   * views), or failed (a full refresh that did not read the list again).
   */
  apis: Map<string, Outcome<ApimApi | undefined>>;
  /** Plan fit by lower-cased subscription id; absent where it is unknown. */
  traffic: ReadonlyMap<string, PlanTraffic>;
  /** A full refresh's figures: where its security data came from, how many lists it read. */
  bulkFigures?: Pick<
    RefreshSummary,
    'readVia' | 'readViaFallbackReason' | 'serviceListsRead'
  >;
}

/**
 * Reads posture for a set of entities and stores it. A full refresh makes one set of list
 * calls per subscription and per APIM service whatever the number of APIs, and keeps what it
 * read for first views until the next refresh: every stored posture is that old too. A first
 * view reads its own collection (and its API, when the service list predates it); without a
 * refresh's reads it shares single-flight reads of its subscription and service for a minute.
 * A failed read never blanks stored data: the last good facts stay, marked stale with the reason.
 */
export class PostureRefresher {
  private readonly subscriptionReads = new SharedReads<SubscriptionFacts>(
    SHARED_READ_TTL_MS,
    { failureTtlMs: FAILED_READ_TTL_MS },
  );
  private readonly serviceReads = new SharedReads<ServiceFacts>(
    SHARED_READ_TTL_MS,
    { failureTtlMs: FAILED_READ_TTL_MS },
  );
  /** The last full refresh's plan fit, which first views reuse (traffic is read by refreshes only). */
  private latestTraffic: ReadonlyMap<string, PlanTraffic> = new Map();

  constructor(
    private readonly options: {
      /** The APIM services to read: configured, and found in configured subscriptions. */
      directory: Pick<ServiceDirectory, 'services'>;
      azure: DefenderAzureApi;
      store: PostureStore;
      logger: LoggerService;
      /** How long a full refresh's reads serve first views: until the next refresh. */
      refreshIntervalMs: number;
      /** Monthly API calls per Defender for APIs plan, for plan fit. */
      planEntitlements: Readonly<Record<string, number>>;
      /** Tells owners what a read changed; none: nobody is told. */
      notifier?: Pick<PostureNotifier, 'observe' | 'send'>;
      /** A full refresh's bulk reads of its subscriptions (Resource Graph or ARM lists). */
      subscriptionReads: Pick<SubscriptionBulkReads, 'read'>;
      /** A full refresh's reads of APIM services' lists and metrics, under a cap. */
      serviceBulkReads: Pick<ServiceBulkReads, 'read'>;
      /** Records the shadow APIs each catalog-wide refresh finds; none: nobody does. */
      shadowApis?: Pick<ShadowApiRecorder, 'record'>;
    },
  ) {}

  /**
   * Refreshes the entities of the given pages with fresh list reads; `prune` also drops stored
   * posture of entities not given. `domains` maps systems (by `domainKey`) to domain refs.
   * Each page is mapped as it comes, so the catalog's entities are not held through the reads.
   */
  async refresh(
    pages: AsyncIterable<Entity[]>,
    {
      prune = false,
      domains = new Map<string, string>(),
    }: { prune?: boolean; domains?: ReadonlyMap<string, string> } = {},
  ): Promise<RefreshSummary> {
    // Stamped before Azure is read: the store keeps whatever a later read wrote meanwhile.
    const readAt = new Date().toISOString();
    const services = await this.options.directory.services();
    const index = new ServiceIndex(services);
    const mapped: MappedEntity[] = [];
    for await (const page of pages) {
      mapped.push(
        ...(await mapInChunks(page, e => mapEntity(e, index, domains))),
      );
    }
    // A catalog-wide refresh reads every known service: one no entity maps to is all shadow.
    const reads = await this.readInBulk(mapped, services, prune, readAt);
    const summary = {
      ...(await this.store(mapped, reads, readAt)),
      ...reads.bulkFigures,
    };
    if (prune) {
      // Each step's statements resolve at once on SQLite: a turn between them lets requests in.
      await nextTurn();
      await this.prune(mapped, readAt);
      await nextTurn();
      await this.options.shadowApis?.record({
        services,
        serviceReads: reads.services,
        collectionReads: reads.collections,
        mapped,
        readAt,
      });
    }
    return summary;
  }

  /**
   * Reads entities never read before: shared subscription and service reads, and a point read
   * of each API's collection, so any number of concurrent first views costs no more than a
   * full refresh would. A first view knows only the entities stored so far, so the claim of an
   * entity no catalog-wide read has checked on this API stays pending (nothing of the API is
   * served) until the next refresh compares it with every API entity of the catalog.
   */
  async readFirstTime(
    entities: Entity[],
    domains: ReadonlyMap<string, string> = new Map(),
    {
      offboarded = false,
    }: {
      /**
       * Their APIs were just offboarded: their collections are known to be gone, and are not
       * read (ARM may still list a deleted resource for a moment).
       */
      offboarded?: boolean;
    } = {},
  ): Promise<void> {
    const readAt = new Date().toISOString();
    const mapped = await this.mapEach(entities, domains);
    const checked = await this.checkedClaims(mapped);
    const reads = await this.readShared(mapped, offboarded);
    await this.store(mapped, reads, readAt, posture =>
      posture.api && !checked.has(claimKey(posture))
        ? { ...posture, claimPending: true }
        : withoutClaimPending(posture),
    );
  }

  /**
   * Reads entities a pass over the whole catalog found new or changed, at the cost of first
   * views (shared subscription and service reads, a point read of each collection). The pass
   * saw every other API entity of the catalog stored at its current version, so once these are
   * stored their claims have been compared with every API entity of the catalog: settled.
   */
  async readChanged(
    entities: Entity[],
    domains: ReadonlyMap<string, string> = new Map(),
  ): Promise<RefreshSummary> {
    const readAt = new Date().toISOString();
    const mapped = await this.mapEach(entities, domains);
    return this.store(mapped, await this.readShared(mapped), readAt);
  }

  /**
   * Settles the claims of postures a first view stored pending, without reading Azure again
   * (their facts are as fresh as that view): for a caller that has seen every other API entity
   * of the catalog stored at its current version. A posture a later read wrote stays as it is.
   */
  async settleClaims(entityRefs: string[], checkedAt: string): Promise<void> {
    const { store } = this.options;
    const pending = (await store.getPostures(entityRefs)).filter(
      p => p.claimPending,
    );
    if (pending.length > 0)
      await store.putPostures(pending.map(withoutClaimPending), checkedAt);
  }

  /**
   * The claims of these entities a catalog-wide read has checked: stored without
   * `claimPending`, on the API they map to now (a claim on another API is a new claim).
   */
  private async checkedClaims(mapped: MappedEntity[]): Promise<Set<string>> {
    const stored = await this.options.store.getPostures(
      mapped.map(m => m.entityRef),
    );
    return new Set(
      stored.filter(p => p.api && !p.claimPending).map(p => claimKey(p)),
    );
  }

  /**
   * Drops postures of entities the refresh did not see, unless the catalog answered none at
   * all: an empty answer while posture is stored is more likely a catalog outage or a
   * permission change than every API gone, and pruning would lose everything.
   */
  private async prune(
    mapped: MappedEntity[],
    startedAt: string,
  ): Promise<void> {
    const { store, logger } = this.options;
    if (mapped.length === 0 && (await store.hasPostures())) {
      logger.warn(
        'The catalog answered no API entity; stored Defender for APIs posture is kept, not pruned',
      );
      return;
    }
    await store.deletePosturesExcept(
      mapped.map(m => m.entityRef),
      startedAt,
    );
  }

  /** A few entities mapped against the services the directory knows now. */
  private async mapEach(
    entities: Entity[],
    domains: ReadonlyMap<string, string>,
  ): Promise<MappedEntity[]> {
    const index = new ServiceIndex(await this.options.directory.services());
    return entities.map(e => mapEntity(e, index, domains));
  }

  private async readInBulk(
    mapped: MappedEntity[],
    known: readonly ConfiguredService[],
    everyService: boolean,
    readAt: string,
  ): Promise<AzureReads> {
    const { subscriptions, services } = this.scopesOf(mapped);
    // Collections of every read service's subscription: they say which shadow APIs are onboarded.
    const listed = new Map(subscriptions);
    if (everyService) {
      for (const service of known) {
        listed.set(service.subscriptionId.toLowerCase(), service.tenantId);
        services.set(serviceKey(service), service);
      }
    }
    // Traffic counts every known service of a subscription in scope, with or without entities.
    const metered = known.filter(s =>
      subscriptions.has(s.subscriptionId.toLowerCase()),
    );
    const [bulk, serviceBulk] = await Promise.all([
      this.options.subscriptionReads.read(subscriptions, listed),
      this.options.serviceBulkReads.read({
        services: [...services.values()],
        metered,
        known,
        mapped,
        readAt,
      }),
    ]);
    for (const [key, outcome] of serviceBulk.services) {
      if (outcome.ok)
        this.serviceReads.set(
          key,
          outcome.value,
          this.options.refreshIntervalMs,
        );
    }
    const subscriptionOutcomes = new Map<string, Outcome<SubscriptionFacts>>();
    for (const [id, snapshot] of bulk.snapshots) {
      const outcome = snapshot.ok
        ? {
            ok: true as const,
            value: await SubscriptionFacts.index(snapshot.value),
          }
        : snapshot;
      if (outcome.ok)
        this.subscriptionReads.set(
          id,
          outcome.value,
          this.options.refreshIntervalMs,
        );
      subscriptionOutcomes.set(id, outcome);
    }
    const collections = new Map<string, Outcome<Map<string, ApiCollection>>>();
    for (const [id, listing] of bulk.collections) {
      collections.set(
        id,
        listing.ok
          ? { ok: true, value: collectionsByApi(listing.value) }
          : listing,
      );
    }
    this.latestTraffic = this.planTraffic(
      subscriptionOutcomes,
      serviceBulk.requests,
    );
    return {
      subscriptions: subscriptionOutcomes,
      services: serviceBulk.services,
      collections,
      bulkFigures: {
        serviceListsRead: serviceBulk.listsRead,
        readVia: bulk.readVia,
        ...(bulk.fallbackReason
          ? { readViaFallbackReason: bulk.fallbackReason }
          : {}),
      },
      collectionKey: m => m.target!.service.subscriptionId.toLowerCase(),
      apis: serviceBulk.unlisted,
      traffic: this.latestTraffic,
    };
  }

  /**
   * Plan fit of each subscription whose plan is on and whose services' traffic was all read.
   * A failed metrics read only makes its subscription's plan fit unknown: never stale posture.
   */
  private planTraffic(
    subscriptions: ReadonlyMap<string, Outcome<SubscriptionFacts>>,
    requests: ReadonlyArray<readonly [string, Outcome<number>]>,
  ): Map<string, PlanTraffic> {
    const totals = new Map<string, number | undefined>();
    for (const [subscriptionId, outcome] of requests) {
      if (!outcome.ok) {
        this.options.logger.warn(
          'Defender for APIs traffic read failed; plan fit is unknown',
          { reason: outcome.reason },
        );
        totals.set(subscriptionId, undefined);
      } else if (
        !totals.has(subscriptionId) ||
        totals.get(subscriptionId) !== undefined
      ) {
        totals.set(
          subscriptionId,
          (totals.get(subscriptionId) ?? 0) + outcome.value,
        );
      }
    }
    const result = new Map<string, PlanTraffic>();
    for (const [subscriptionId, total] of totals) {
      const subscription = subscriptions.get(subscriptionId);
      if (
        total === undefined ||
        !subscription?.ok ||
        !subscription.value.plan.enabled
      )
        continue;
      const fit = planFit(
        subscription.value.plan.subPlan,
        total,
        this.options.planEntitlements,
      );
      if (fit) result.set(subscriptionId, fit);
    }
    return result;
  }

  private async readShared(
    mapped: MappedEntity[],
    offboarded = false,
  ): Promise<AzureReads> {
    const { azure } = this.options;
    const { subscriptions, services } = this.scopesOf(mapped);
    const serviceReads = new Map(
      [...services].map(([key, service]) => [
        key,
        settle(
          this.serviceReads.get(key, () =>
            azure.readService(service).then(s => new ServiceFacts(s)),
          ),
          `API Management service ${service.name}`,
        ),
      ]),
    );
    const [subscriptionResults, serviceResults, perEntity] = await Promise.all([
      Promise.all(
        [...subscriptions].map(async ([id, tenantId]) => {
          const read = this.subscriptionReads.get(id, () =>
            azure.readSubscription(id, tenantId).then(SubscriptionFacts.index),
          );
          return [id, await settle(read, `subscription ${id}`)] as const;
        }),
      ),
      Promise.all(
        [...serviceReads].map(
          async ([key, read]) => [key, await read] as const,
        ),
      ),
      Promise.all(
        mapped.filter(needsAzure).map(async m => {
          const { ref, service } = m.target!;
          const collection = settle(
            (offboarded
              ? Promise.resolve(undefined)
              : azure.readCollection({ ...ref, tenantId: service.tenantId })
            ).then(c => collectionsByApi(c ? [c] : [])),
            `the API collection of ${ref.apiId}`,
          );
          const api = this.readApiIfUnlisted(
            m,
            serviceReads.get(serviceKey(service))!,
          );
          return [m.entityRef, await collection, await api] as const;
        }),
      ),
    ]);
    return {
      subscriptions: new Map(subscriptionResults),
      services: new Map(serviceResults),
      collections: new Map(
        perEntity.map(([ref, collection]) => [ref, collection]),
      ),
      collectionKey: m => m.entityRef,
      apis: new Map(
        perEntity.flatMap(([ref, , api]) => (api ? [[ref, api] as const] : [])),
      ),
      traffic: this.latestTraffic,
    };
  }

  /** Reads the entity's API on its own when the service list at hand does not have it (yet). */
  private async readApiIfUnlisted(
    entity: MappedEntity,
    serviceRead: Promise<Outcome<ServiceFacts>>,
  ): Promise<Outcome<ApimApi | undefined> | undefined> {
    const { ref, service } = entity.target!;
    const facts = await serviceRead;
    if (
      !facts.ok ||
      facts.value.api(
        apiManagementApiResourceId(ref),
        ref.apiId,
        Boolean(ref.workspace),
      )
    )
      return undefined;
    return settle(
      this.options.azure.readApi(service, ref.apiId),
      `API ${ref.apiId} of ${service.name}`,
    );
  }

  private scopesOf(mapped: MappedEntity[]) {
    const subscriptions = new Map<string, string | undefined>();
    const services = new Map<string, ConfiguredService>();
    for (const m of mapped.filter(needsAzure)) {
      const service = m.target!.service;
      subscriptions.set(service.subscriptionId.toLowerCase(), service.tenantId);
      services.set(serviceKey(service), service);
    }
    return { subscriptions, services };
  }

  /** Builds and stores the postures of the entities from the reads; the refresh's figures. */
  private async store(
    mapped: MappedEntity[],
    reads: AzureReads,
    readAt: string,
    // A catalog-wide read has compared every claim: none stays pending.
    settleClaim: (
      posture: StoredPosture,
    ) => StoredPosture = withoutClaimPending,
  ): Promise<RefreshSummary> {
    const { store, logger } = this.options;
    const refreshedAt = readAt;
    const anyReadFailed = [
      reads.subscriptions,
      reads.services,
      reads.collections,
      reads.apis,
    ].some(outcomes => [...outcomes.values()].some(o => !o.ok));
    const failed = anyReadFailed
      ? new Set(
          mapped
            .filter(m => needsAzure(m) && !this.factsOf(m, reads).ok)
            .map(m => m.entityRef),
        )
      : new Set<string>();
    // Only entities whose reads failed need what was stored before.
    const previous = new Map(
      failed.size > 0
        ? (await store.getPostures([...failed])).map(p => [p.entityRef, p])
        : [],
    );
    const notifier = this.options.notifier;
    const {
      rewritten,
      failed: refused,
      observed,
    } = await store.putPostures(
      this.postureChunks(mapped, m =>
        settleClaim(
          this.postureOf(m, reads, previous.get(m.entityRef), refreshedAt),
        ),
      ),
      readAt,
      notifier?.observe,
    );
    if (notifier && observed.length > 0) await notifier.send(observed);

    const failures = [
      ...reads.subscriptions.values(),
      ...reads.services.values(),
      ...reads.collections.values(),
    ].filter(o => !o.ok) as Array<{ ok: false; reason: string }>;
    for (const failure of failures.slice(0, 20)) {
      logger.warn('Defender for APIs read failed; keeping last good data', {
        reason: failure.reason,
      });
    }
    for (const failure of refused.slice(0, 20)) {
      logger.warn('Defender for APIs posture could not be stored', {
        entityRef: failure.entityRef,
        reason: failure.reason,
      });
    }
    return {
      entities: mapped.length,
      subscriptionsRead: reads.subscriptions.size,
      servicesRead: reads.services.size,
      failedReads: failures.length,
      posturesRewritten: rewritten,
      posturesFailed: refused.length,
    };
  }

  /** Postures of the entities, built a chunk at a time as the store asks for the next one. */
  private async *postureChunks(
    mapped: MappedEntity[],
    postureOf: (entity: MappedEntity) => StoredPosture,
  ): AsyncGenerator<StoredPosture[]> {
    for (let i = 0; i < mapped.length; i += POSTURES_PER_WRITE) {
      yield mapped.slice(i, i + POSTURES_PER_WRITE).map(postureOf);
    }
  }

  /** The Azure facts of an entity's API from the reads, or why they could not be read. */
  private factsOf(
    entity: MappedEntity,
    reads: AzureReads,
  ): Outcome<AzureFactsOfApi> {
    const { ref, service } = entity.target!;
    const subscription = reads.subscriptions.get(
      service.subscriptionId.toLowerCase(),
    )!;
    const serviceFacts = reads.services.get(serviceKey(service))!;
    const collections = reads.collections.get(reads.collectionKey(entity))!;
    const api = reads.apis.get(entity.entityRef) ?? {
      ok: true,
      value: undefined,
    };
    if (subscription.ok && serviceFacts.ok && collections.ok && api.ok) {
      return {
        ok: true,
        value: {
          subscription: subscription.value,
          service: serviceFacts.value,
          collection: collections.value.get(
            apiManagementApiResourceId(ref).toLowerCase(),
          ),
          api: api.value,
          traffic: reads.traffic.get(service.subscriptionId.toLowerCase()),
        },
      };
    }
    const reasons = [subscription, serviceFacts, collections, api].flatMap(o =>
      o.ok ? [] : [o.reason],
    );
    return { ok: false, reason: [...new Set(reasons)].join(' ') };
  }

  private postureOf(
    entity: MappedEntity,
    reads: AzureReads,
    previous: StoredPosture | undefined,
    refreshedAt: string,
  ): StoredPosture {
    if (!needsAzure(entity))
      return buildStoredPosture(entity, undefined, refreshedAt);
    const facts = this.factsOf(entity, reads);
    if (facts.ok) return buildStoredPosture(entity, facts.value, refreshedAt);
    const reason = facts.reason;
    const fresh = buildStoredPosture(entity, undefined, refreshedAt);
    const sameApi =
      previous?.api &&
      fresh.api &&
      previous.api.resourceId.toLowerCase() ===
        fresh.api.resourceId.toLowerCase();
    // The entity as read now: its version and its catalog facts.
    const { entityVersion } = fresh;
    if (previous && sameApi && !previous.readError) {
      // Azure facts from before, catalog facts from now.
      const {
        owners,
        title,
        system,
        domain,
        lifecycle,
        entityVersion: _before,
        ...azureFacts
      } = previous;
      return {
        ...azureFacts,
        ...(entityVersion ? { entityVersion } : {}),
        ...entity.catalog,
        stale: true,
        staleReason: reason,
      };
    }
    return {
      entityRef: entity.entityRef,
      ...(entityVersion ? { entityVersion } : {}),
      ...entity.catalog,
      ...(fresh.api ? { api: fresh.api } : {}),
      readError: reason,
      alerts: emptyAlerts(),
      recommendations: [],
      stale: true,
      staleReason: reason,
    };
  }
}

/** An entity's claim on the API it maps to now. */
function claimKey(posture: StoredPosture): string {
  return `${posture.entityRef}\n${
    posture.api && claimedApiKey(posture.api.resourceId)
  }`;
}

/** The posture as a catalog-wide read leaves it: its claim checked. */
function withoutClaimPending(posture: StoredPosture): StoredPosture {
  if (!posture.claimPending) return posture;
  const { claimPending, ...checked } = posture;
  return checked;
}
