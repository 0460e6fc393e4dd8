import { TokenCredential } from '@azure/core-auth';
import { ApiManagementClient } from '@azure/arm-apimanagement';
import { SecurityCenter } from '@azure/arm-security';
import { MonitorClient } from '@azure/arm-monitor';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { isRestError } from '@azure/core-rest-pipeline';
import { durationToMilliseconds } from '@backstage/types';
import { DefenderApisConfig } from '../config';
import { ApiCollectionsOperations } from './apiCollections';
import { listPricings, plansOf } from './pricings';
import { alertOf, apimApiOf, AS_SENT, assessmentOf } from './armListItems';
import { createCredential } from './credentials';
import {
  ResourceGraphSecurityReader,
  SubscriptionSecurityData,
} from './resourceGraph';
import {
  ConfiguredService,
  ConfiguredSubscription,
} from '../model/configuredService';
import {
  ApiCollection,
  ApimApi,
  ApimOperation,
  AzureAttackPath,
  OnboardTarget,
  ServiceSnapshot,
  SubscriptionSnapshot,
} from '../model/azureResources';

/** The Azure reads and writes the plugin makes. */
export interface DefenderAzureApi {
  readSubscription(
    subscriptionId: string,
    tenantId?: string,
  ): Promise<SubscriptionSnapshot>;
  /** The subscription's Defender plans (one list call). */
  readPlan(
    subscriptionId: string,
    tenantId?: string,
  ): Promise<Pick<SubscriptionSnapshot, 'plan' | 'cloudPosture'>>;
  /**
   * Defender CSPM's attack paths of subscriptions of one tenant, from Azure Resource Graph (the
   * only place Azure serves them): one paged query for up to 1,000 subscriptions.
   */
  readAttackPaths(
    subscriptionIds: readonly string[],
    tenantId?: string,
  ): Promise<AzureAttackPath[]>;
  /**
   * The API collections, assessments on APIM resources and Defender for APIs alerts of
   * subscriptions of one tenant, from Azure Resource Graph: a few paged queries for up to
   * 1,000 subscriptions, whatever the number of APIs and services.
   */
  readSecurityData(
    subscriptionIds: readonly string[],
    tenantId?: string,
  ): Promise<Map<string, SubscriptionSecurityData>>;
  /** Every API collection (onboarded API) of the subscription. */
  listCollections(
    subscriptionId: string,
    tenantId?: string,
  ): Promise<ApiCollection[]>;
  /** The collection of one API; undefined when the API is not onboarded. */
  readCollection(target: OnboardTarget): Promise<ApiCollection | undefined>;
  readService(service: ConfiguredService): Promise<ServiceSnapshot>;
  /**
   * The APIM services of a subscription (one paged list), as services with the subscription's
   * tenant and allowed owners; items whose id or name is not an APIM service's are left out.
   */
  listServices(
    subscription: ConfiguredSubscription,
  ): Promise<ConfiguredService[]>;
  /**
   * The service's Azure Monitor `Requests` metric (aggregation Total) summed over the last 30
   * days, as Microsoft advises to size a Defender for APIs plan.
   */
  readRequestsLast30Days(service: ConfiguredService): Promise<number>;
  /** One API of a service; undefined when the service has no such API. */
  readApi(
    service: ConfiguredService,
    apiId: string,
  ): Promise<ApimApi | undefined>;
  /** Onboards the API and resolves once ARM reports the operation finished. */
  onboard(
    target: OnboardTarget,
    options?: { abortSignal?: AbortSignal },
  ): Promise<ApiCollection>;
  /**
   * The operations of one API, following API Management's pages, at most `max` (an API has
   * tens, rarely hundreds).
   */
  listOperations(
    service: ConfiguredService,
    apiId: string,
    max: number,
  ): Promise<ApimOperation[]>;
  /**
   * Offboards the API: removes its collection (ARM answers at once, no polling); resolves
   * also when it was not onboarded.
   */
  offboard(target: OnboardTarget): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** An APIM service's ARM id in a subscription: its resource group and name (Azure's rules). */
const SERVICE_ID =
  /^\/subscriptions\/[0-9a-f-]{36}\/resourcegroups\/([-\w.()]{1,90})\/providers\/microsoft\.apimanagement\/service\/([a-z][a-z0-9-]{0,49})$/i;

/** A listed APIM service as a configured one; undefined for an item that is not one. */
function discoveredService(
  subscription: ConfiguredSubscription,
  item: { id?: string },
): ConfiguredService | undefined {
  const match = item.id ? SERVICE_ID.exec(item.id) : null;
  if (!match) return undefined;
  return { ...subscription, resourceGroup: match[1], name: match[2] };
}

/** The ARM id of an APIM service, the resource its metrics are read on. */
function serviceResourceId(service: ConfiguredService): string {
  return `subscriptions/${service.subscriptionId}/resourceGroups/${service.resourceGroup}/providers/Microsoft.ApiManagement/service/${service.name}`;
}

/**
 * The items of a paged list, each mapped as it arrives (undefined drops it): only the page at
 * hand is held as ARM sent it, not a whole subscription's worth at once.
 */
async function collectMapped<T, R>(
  items: AsyncIterable<T>,
  map: (item: T) => R | undefined,
): Promise<R[]> {
  const result: R[] = [];
  for await (const item of items) {
    const mapped = map(item);
    if (mapped !== undefined) result.push(mapped);
  }
  return result;
}

/**
 * {@link DefenderAzureApi} with the Azure SDKs: one `SecurityCenter`, one `ApiManagementClient`
 * and one `MonitorClient` per subscription, sharing one credential per tenant.
 */
export class DefaultDefenderAzureClient implements DefenderAzureApi {
  private readonly credentials = new Map<string, TokenCredential>();
  private readonly securityClients = new Map<string, SecurityCenter>();
  private readonly apimClients = new Map<string, ApiManagementClient>();
  private readonly monitorClients = new Map<string, MonitorClient>();
  private readonly graphReaders = new Map<
    string,
    ResourceGraphSecurityReader
  >();

  static fromConfig(config: DefenderApisConfig): DefaultDefenderAzureClient {
    return new DefaultDefenderAzureClient(config);
  }

  private constructor(private readonly config: DefenderApisConfig) {}

  async readSubscription(
    subscriptionId: string,
    tenantId?: string,
  ): Promise<SubscriptionSnapshot> {
    const client = this.security(subscriptionId, tenantId);
    const options = this.callOptions();
    const asSent = { ...options, requestOptions: AS_SENT };
    const [pricings, alerts, assessments] = await Promise.all([
      listPricings(client, options),
      collectMapped(client.alerts.list(asSent), alertOf),
      collectMapped(
        client.assessments.list(`subscriptions/${subscriptionId}`, asSent),
        a => assessmentOf(a, subscriptionId),
      ),
    ]);
    return {
      subscriptionId,
      ...plansOf(pricings),
      alerts,
      assessments,
    };
  }

  async readPlan(
    subscriptionId: string,
    tenantId?: string,
  ): Promise<Pick<SubscriptionSnapshot, 'plan' | 'cloudPosture'>> {
    return plansOf(
      await listPricings(
        this.security(subscriptionId, tenantId),
        this.callOptions(),
      ),
    );
  }

  readSecurityData(
    subscriptionIds: readonly string[],
    tenantId?: string,
  ): Promise<Map<string, SubscriptionSecurityData>> {
    return this.graphReader(tenantId).read(subscriptionIds);
  }

  readAttackPaths(
    subscriptionIds: readonly string[],
    tenantId?: string,
  ): Promise<AzureAttackPath[]> {
    return this.graphReader(tenantId).readAttackPaths(subscriptionIds);
  }

  /** One reader per tenant: it keeps its principal's Resource Graph quota between queries. */
  private graphReader(tenantId?: string): ResourceGraphSecurityReader {
    return cached(
      this.graphReaders,
      (tenantId ?? '').toLowerCase(),
      () =>
        new ResourceGraphSecurityReader(
          new ResourceGraphClient(
            this.credential(tenantId),
            this.clientOptions(),
          ),
          () => this.callOptions(),
        ),
    );
  }

  listCollections(
    subscriptionId: string,
    tenantId?: string,
  ): Promise<ApiCollection[]> {
    return new ApiCollectionsOperations(
      this.security(subscriptionId, tenantId),
    ).listBySubscription(this.callOptions());
  }

  async readCollection(
    target: OnboardTarget,
  ): Promise<ApiCollection | undefined> {
    const operations = new ApiCollectionsOperations(
      this.security(target.subscriptionId, target.tenantId),
    );
    try {
      return await operations.get(
        {
          resourceGroupName: target.resourceGroup,
          serviceName: target.serviceName,
          apiId: target.apiId,
        },
        this.callOptions(),
      );
    } catch (error) {
      // ARM answers 404 for an API that is not onboarded: a fact, not a failure.
      if (isRestError(error) && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  async readService(service: ConfiguredService): Promise<ServiceSnapshot> {
    const client = this.apim(service.subscriptionId, service.tenantId);
    const options = this.callOptions();
    const [apimService, apis] = await Promise.all([
      client.apiManagementService.get(
        service.resourceGroup,
        service.name,
        options,
      ),
      collectMapped(
        client.api.listByService(service.resourceGroup, service.name, {
          ...options,
          requestOptions: AS_SENT,
        }),
        apimApiOf,
      ),
    ]);
    return { service, skuName: apimService.sku?.name, apis };
  }

  async listServices(
    subscription: ConfiguredSubscription,
  ): Promise<ConfiguredService[]> {
    const client = this.apim(
      subscription.subscriptionId,
      subscription.tenantId,
    );
    return collectMapped(
      client.apiManagementService.list(this.callOptions()),
      item => discoveredService(subscription, item),
    );
  }

  async readRequestsLast30Days(service: ConfiguredService): Promise<number> {
    const end = new Date();
    const start = new Date(end.getTime() - 30 * DAY_MS);
    const answer = await this.monitor(
      service.subscriptionId,
      service.tenantId,
    ).metrics.list(serviceResourceId(service), {
      metricnames: 'Requests',
      aggregation: 'Total',
      timespan: `${start.toISOString()}/${end.toISOString()}`,
      interval: 'P1D',
      ...this.callOptions(),
    });
    let total = 0;
    for (const metric of answer.value ?? []) {
      for (const series of metric.timeseries ?? []) {
        for (const point of series.data ?? []) total += point.total ?? 0;
      }
    }
    return total;
  }

  async readApi(
    service: ConfiguredService,
    apiId: string,
  ): Promise<ApimApi | undefined> {
    const client = this.apim(service.subscriptionId, service.tenantId);
    try {
      return apimApiOf(
        await client.api.get(service.resourceGroup, service.name, apiId, {
          ...this.callOptions(),
          requestOptions: AS_SENT,
        }),
      );
    } catch (error) {
      if (isRestError(error) && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  async onboard(
    target: OnboardTarget,
    options: { abortSignal?: AbortSignal } = {},
  ): Promise<ApiCollection> {
    const client = this.security(target.subscriptionId, target.tenantId);
    const poller = await new ApiCollectionsOperations(client).beginOnboard(
      {
        resourceGroupName: target.resourceGroup,
        serviceName: target.serviceName,
        apiId: target.apiId,
      },
      { abortSignal: options.abortSignal },
    );
    return poller.pollUntilDone({ abortSignal: options.abortSignal });
  }

  async listOperations(
    service: ConfiguredService,
    apiId: string,
    max: number,
  ): Promise<ApimOperation[]> {
    const client = this.apim(service.subscriptionId, service.tenantId);
    const operations: ApimOperation[] = [];
    for await (const item of client.apiOperation.listByApi(
      service.resourceGroup,
      service.name,
      apiId,
      this.callOptions(),
    )) {
      if (!item.name) continue;
      operations.push({
        operationId: item.name,
        ...(item.displayName ? { displayName: item.displayName } : {}),
        ...(item.method ? { method: item.method } : {}),
        ...(item.urlTemplate ? { urlTemplate: item.urlTemplate } : {}),
      });
      if (operations.length >= max) break;
    }
    return operations;
  }

  async offboard(target: OnboardTarget): Promise<void> {
    await new ApiCollectionsOperations(
      this.security(target.subscriptionId, target.tenantId),
    ).offboard(
      {
        resourceGroupName: target.resourceGroup,
        serviceName: target.serviceName,
        apiId: target.apiId,
      },
      this.callOptions(),
    );
  }

  private callOptions() {
    return {
      abortSignal: AbortSignal.timeout(
        durationToMilliseconds(this.config.requestTimeout),
      ),
    };
  }

  private credential(tenantId?: string): TokenCredential {
    return cached(this.credentials, (tenantId ?? '').toLowerCase(), () =>
      createCredential(this.config.credential, tenantId),
    );
  }

  private security(subscriptionId: string, tenantId?: string): SecurityCenter {
    return cached(
      this.securityClients,
      clientKey(subscriptionId, tenantId),
      () =>
        new SecurityCenter(
          this.credential(tenantId),
          subscriptionId,
          this.clientOptions(),
        ),
    );
  }

  private apim(subscriptionId: string, tenantId?: string): ApiManagementClient {
    return cached(
      this.apimClients,
      clientKey(subscriptionId, tenantId),
      () =>
        new ApiManagementClient(
          this.credential(tenantId),
          subscriptionId,
          this.clientOptions(),
        ),
    );
  }

  private monitor(subscriptionId: string, tenantId?: string): MonitorClient {
    return cached(
      this.monitorClients,
      clientKey(subscriptionId, tenantId),
      () =>
        new MonitorClient(
          this.credential(tenantId),
          subscriptionId,
          this.clientOptions(),
        ),
    );
  }

  private clientOptions() {
    return { endpoint: this.config.resourceManagerEndpoint };
  }
}

/** The value of `key` in `map`, made by `make` the first time it is asked for. */
function cached<T>(map: Map<string, T>, key: string, make: () => T): T {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/**
 * Clients are per tenant and subscription: a client made for one tenant's credential must
 * never serve a call meant for another (the token would be refused, or worse, accepted).
 */
function clientKey(
  subscriptionId: string,
  tenantId: string | undefined,
): string {
  return `${(tenantId ?? '').toLowerCase()}/${subscriptionId.toLowerCase()}`;
}
