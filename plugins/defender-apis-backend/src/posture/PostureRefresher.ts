import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { emptyAlerts } from '@defender-apis/plugin-defender-apis-common';
import { ConfiguredService } from '../config';
import { DefenderAzureApi, ServiceSnapshot, SubscriptionSnapshot } from '../azure/DefenderAzureClient';
import { describeAzureError } from '../azure/describeAzureError';
import { DefenderApisStore } from '../database/DefenderApisStore';
import { buildStoredPosture, StoredPosture } from './buildPosture';
import { mapEntity, MappedEntity, serviceKey } from './mapping';

type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Figures of one refresh, for logs and tests. */
export interface RefreshSummary {
  entities: number;
  subscriptionsRead: number;
  servicesRead: number;
  failedReads: number;
}

async function settle<T>(promise: Promise<T>, what: string): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, reason: describeAzureError(error, what) };
  }
}

/**
 * Reads posture for a set of entities in bulk, with one set of list calls per subscription
 * and per APIM service whatever the number of APIs, and stores it. A failed read never
 * blanks stored data: the last good facts stay, marked stale with the reason.
 */
export class PostureRefresher {
  constructor(
    private readonly options: {
      services: readonly ConfiguredService[];
      azure: DefenderAzureApi;
      store: DefenderApisStore;
      logger: LoggerService;
    },
  ) {}

  /** Refreshes the given entities; `prune` also drops stored posture of entities not given. */
  async refresh(entities: Entity[], { prune = false } = {}): Promise<{ postures: Map<string, StoredPosture>; summary: RefreshSummary }> {
    const { azure, store, services, logger } = this.options;
    const mapped = entities.map(e => mapEntity(e, services));
    const needsAzure = mapped.filter(m => m.target && !m.notApplicable);

    const subscriptions = new Map<string, string | undefined>();
    const servicesToRead = new Map<string, ConfiguredService>();
    for (const m of needsAzure) {
      const service = m.target!.service;
      subscriptions.set(service.subscriptionId.toLowerCase(), service.tenantId);
      servicesToRead.set(serviceKey(service), service);
    }
    const [subscriptionResults, serviceResults] = await Promise.all([
      Promise.all(
        [...subscriptions].map(async ([id, tenantId]) =>
          [id, await settle(azure.readSubscription(id, tenantId), `subscription ${id}`)] as const,
        ),
      ),
      Promise.all(
        [...servicesToRead].map(async ([key, service]) =>
          [key, await settle(azure.readService(service), `API Management service ${service.name}`)] as const,
        ),
      ),
    ]);
    const subscriptionSnapshots = new Map<string, Outcome<SubscriptionSnapshot>>(subscriptionResults);
    const serviceSnapshots = new Map<string, Outcome<ServiceSnapshot>>(serviceResults);

    const previous = new Map(
      (await store.getPostures(mapped.map(m => m.entityRef))).map(p => [p.entityRef, p]),
    );
    const refreshedAt = new Date().toISOString();
    const postures = mapped.map(m =>
      this.postureOf(m, subscriptionSnapshots, serviceSnapshots, previous.get(m.entityRef), refreshedAt),
    );
    await store.putPostures(postures);
    if (prune) await store.deletePosturesExcept(postures.map(p => p.entityRef));

    const failures = [...subscriptionSnapshots.values(), ...serviceSnapshots.values()].filter(o => !o.ok) as Array<{ ok: false; reason: string }>;
    for (const failure of failures) logger.warn('Defender for APIs read failed; keeping last good data', { reason: failure.reason });
    const summary = {
      entities: postures.length,
      subscriptionsRead: subscriptionSnapshots.size,
      servicesRead: serviceSnapshots.size,
      failedReads: failures.length,
    };
    return { postures: new Map(postures.map(p => [p.entityRef, p])), summary };
  }

  private postureOf(
    entity: MappedEntity,
    subscriptions: Map<string, Outcome<SubscriptionSnapshot>>,
    services: Map<string, Outcome<ServiceSnapshot>>,
    previous: StoredPosture | undefined,
    refreshedAt: string,
  ): StoredPosture {
    if (!entity.target || entity.notApplicable) {
      return buildStoredPosture(entity, undefined, undefined, refreshedAt);
    }
    const subscription = subscriptions.get(entity.target.service.subscriptionId.toLowerCase())!;
    const service = services.get(serviceKey(entity.target.service))!;
    if (subscription.ok && service.ok) {
      return buildStoredPosture(entity, subscription.value, service.value, refreshedAt);
    }
    const reason = [subscription, service].flatMap(o => (o.ok ? [] : [o.reason])).join(' ');
    const fresh = buildStoredPosture(entity, undefined, undefined, refreshedAt);
    const sameApi = previous?.api && fresh.api && previous.api.resourceId.toLowerCase() === fresh.api.resourceId.toLowerCase();
    if (previous && sameApi && !previous.readError) {
      return { ...previous, owners: entity.owners, stale: true, staleReason: reason };
    }
    return {
      entityRef: entity.entityRef,
      owners: entity.owners,
      ...(fresh.api ? { api: fresh.api } : {}),
      readError: reason,
      alerts: emptyAlerts(),
      recommendations: [],
      stale: true,
      staleReason: reason,
    };
  }
}
