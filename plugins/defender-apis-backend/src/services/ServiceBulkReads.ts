import { apiManagementApiResourceId } from '@defender-apis/plugin-defender-apis-common';
import { DefenderAzureApi } from '../azure/DefenderAzureClient';
import { Outcome, settle } from '../azure/settle';
import {
  ServiceReadStore,
  StoredServiceRead,
} from '../database/ServiceReadStore';
import { ServiceFacts } from '../model/azureFacts';
import { ApimApi } from '../model/azureResources';
import { ConfiguredService } from '../model/configuredService';
import { MappedEntity, needsAzure, serviceKey } from '../model/mapping';
import { planServiceReads } from '../model/serviceReadPlan';
import { mapConcurrently } from '../util/yieldToEventLoop';

/** How long a service's 30-day request count serves later refreshes before it is read again. */
const TRAFFIC_TTL_MS = 6 * 60 * 60 * 1000;

/**
 * APIM services a full refresh reads at once. Dozens of simultaneous first requests (each a
 * TLS handshake and a parse) would land on the event loop together.
 */
const SERVICE_READS_IN_FLIGHT = 8;

/** What a full refresh knows of its APIM services, each settled. */
export interface ServiceBulkResult {
  /** API lists by `serviceKey`: read now, or stored by an earlier refresh. */
  services: Map<string, Outcome<ServiceFacts>>;
  /**
   * By entity ref: entities whose API the stored list of a service not read now lacks. The
   * API may be newer than the list; their posture keeps what it had, marked stale, until the
   * service is read (first among those the cap leaves for later).
   */
  unlisted: Map<string, Outcome<ApimApi | undefined>>;
  /** Requests of the last 30 days of each metered service, by lower-cased subscription id. */
  requests: Array<readonly [string, Outcome<number>]>;
  /** Lists read from Azure now. */
  listsRead: number;
}

/** What {@link ServiceBulkReads.read} reads. */
export interface ServiceBulkRequest {
  /** Services whose API lists the refresh needs. */
  services: readonly ConfiguredService[];
  /** Services whose Requests metric the refresh needs (for plan fit). */
  metered: readonly ConfiguredService[];
  /** Every service the plugin knows: stored reads of any other are forgotten. */
  known: readonly ConfiguredService[];
  /** The refresh's entities, whose APIs say which stored lists may be missing one. */
  mapped: readonly MappedEntity[];
  /** The refresh's time, stamped before Azure is read. */
  readAt: string;
}

/**
 * A full refresh's reads of APIM services, under a cap: at most `maxReads` API lists and
 * `maxReads` Requests metrics from Azure per refresh, the rest from what earlier refreshes
 * (of any replica) stored, so a refresh's ARM calls do not grow with the number of services.
 * Which services are read is {@link planServiceReads}'s choice. A failed read is reported as
 * today (its postures marked stale, the stored list left for the next refresh to retry);
 * a failed metrics read falls back to the stored count.
 */
export class ServiceBulkReads {
  constructor(
    private readonly options: {
      azure: DefenderAzureApi;
      store: ServiceReadStore;
      /** Lists, and metrics, read from Azure per refresh at most (services never read aside). */
      maxReads: number;
      /** A stored metric older than this is read again. Default {@link TRAFFIC_TTL_MS}. */
      trafficTtlMs?: number;
    },
  ) {}

  async read(request: ServiceBulkRequest): Promise<ServiceBulkResult> {
    const { store, maxReads, trafficTtlMs = TRAFFIC_TTL_MS } = this.options;
    const stored = await store.readAll();
    const storedFacts = new Map(
      [...stored].flatMap(([key, read]) =>
        read.listing
          ? [
              [
                key,
                new ServiceFacts(read.listing, read.listing.listedAt),
              ] as const,
            ]
          : [],
      ),
    );
    const missing = entitiesMissingFrom(storedFacts, request.mapped);
    const plan = planServiceReads({
      listed: request.services.map(serviceKey),
      metered: request.metered.map(serviceKey),
      stored: new Map(
        [...stored].map(([key, read]) => [key, readTimesOf(read)]),
      ),
      demand: new Set([...missing.values()].map(serviceKey)),
      maxReads,
      trafficStaleBefore: new Date(
        Date.parse(request.readAt) - trafficTtlMs,
      ).toISOString(),
    });
    const [listed, requests] = await Promise.all([
      mapConcurrently(
        [...request.services],
        SERVICE_READS_IN_FLIGHT,
        async service => {
          const key = serviceKey(service);
          if (!plan.lists.has(key))
            return [key, { ok: true, value: storedFacts.get(key)! }] as const;
          return [key, await this.readList(service, request.readAt)] as const;
        },
      ),
      mapConcurrently(
        [...request.metered],
        SERVICE_READS_IN_FLIGHT,
        async service =>
          [
            service.subscriptionId.toLowerCase(),
            await this.readTraffic(
              service,
              plan.traffic.has(serviceKey(service)),
              stored.get(serviceKey(service)),
              request.readAt,
            ),
          ] as const,
      ),
    ]);
    await store.keepServices(request.known.map(serviceKey));
    const unlisted = new Map<string, Outcome<ApimApi | undefined>>();
    for (const [entityRef, service] of missing) {
      const key = serviceKey(service);
      if (plan.lists.has(key)) continue;
      unlisted.set(entityRef, {
        ok: false,
        reason: `The API list of API Management service ${
          service.name
        } was read at ${
          storedFacts.get(key)!.listedAt
        }, without this API; a coming refresh reads it again.`,
      });
    }
    return {
      services: new Map(listed),
      unlisted,
      requests,
      listsRead: plan.lists.size,
    };
  }

  private async readList(
    service: ConfiguredService,
    readAt: string,
  ): Promise<Outcome<ServiceFacts>> {
    const outcome = await settle(
      this.options.azure.readService(service),
      `API Management service ${service.name}`,
    );
    if (!outcome.ok) return outcome;
    const listing = {
      ...(outcome.value.skuName ? { skuName: outcome.value.skuName } : {}),
      apis: outcome.value.apis,
      listedAt: readAt,
    };
    await this.options.store.putListing(serviceKey(service), listing);
    return { ok: true, value: new ServiceFacts(listing, readAt) };
  }

  private async readTraffic(
    service: ConfiguredService,
    due: boolean,
    stored: StoredServiceRead | undefined,
    readAt: string,
  ): Promise<Outcome<number>> {
    const before = stored?.traffic?.requestsLast30Days;
    if (!due && before !== undefined) return { ok: true, value: before };
    const outcome = await settle(
      this.options.azure.readRequestsLast30Days(service),
      `the Requests metric of API Management service ${service.name}`,
    );
    if (outcome.ok) {
      await this.options.store.putTraffic(serviceKey(service), {
        requestsLast30Days: outcome.value,
        readAt,
      });
      return outcome;
    }
    return before === undefined ? outcome : { ok: true, value: before };
  }
}

function readTimesOf(read: StoredServiceRead) {
  return {
    ...(read.listing ? { listedAt: read.listing.listedAt } : {}),
    ...(read.traffic ? { trafficReadAt: read.traffic.readAt } : {}),
  };
}

/**
 * Entities (by ref, with their service) whose API the stored list of their service lacks: the
 * API may have been created since, so the service is read first.
 */
function entitiesMissingFrom(
  storedFacts: ReadonlyMap<string, ServiceFacts>,
  mapped: readonly MappedEntity[],
): Map<string, ConfiguredService> {
  const missing = new Map<string, ConfiguredService>();
  for (const entity of mapped.filter(needsAzure)) {
    const { ref, service } = entity.target!;
    const facts = storedFacts.get(serviceKey(service));
    if (
      facts &&
      !facts.api(
        apiManagementApiResourceId(ref),
        ref.apiId,
        Boolean(ref.workspace),
      )
    )
      missing.set(entity.entityRef, service);
  }
  return missing;
}
