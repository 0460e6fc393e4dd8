import { randomUUID } from 'node:crypto';
import { Scenario } from '../scenario/types';
import {
  ApiEntry,
  AWAITING_DATA,
  CollectionEntry,
  OnboardOutcome,
  OperationEntry,
  PollOutcome,
  ServiceEntry,
  SubscriptionEntry,
} from './model';
import {
  apiCollectionId,
  apimApiId,
  apimServiceId,
  idKey,
} from './resourceIds';

/** Options of the onboarding long-running operation. */
export interface LroBehaviour {
  /** Polls answered with 202 before the outcome. */
  pollsUntilDone: number;
}

/** Scope of an apiCollections list. */
export interface CollectionScope {
  subscriptionId: string;
  resourceGroup?: string;
  serviceName?: string;
}

/**
 * The mutable world the emulator serves: built from a scenario, changed by onboarding and
 * offboarding. Every lookup is case-insensitive, every answer uses the scenario's casing.
 */
export class EmulatorState {
  /** When the scenario was (re)loaded; relative alert times count from here. */
  readonly loadedAt = new Date();

  private readonly subscriptions = new Map<string, SubscriptionEntry>();
  private readonly resourceGroups = new Set<string>();
  private readonly services = new Map<string, ServiceEntry>();
  private readonly apis = new Map<string, ApiEntry>();
  /** Keyed by lower-cased API id; insertion order is the order lists answer in. */
  private readonly collections = new Map<string, CollectionEntry>();
  private readonly operations = new Map<string, OperationEntry>();
  /** Per-scope list cache, dropped on every change (lists are read page by page). */
  private scopeCache = new Map<string, CollectionEntry[]>();

  constructor(readonly scenario: Scenario, private readonly lro: LroBehaviour) {
    for (const sub of scenario.subscriptions) {
      const subEntry: SubscriptionEntry = { scenario: sub, services: [] };
      this.subscriptions.set(idKey(sub.subscriptionId), subEntry);
      for (const svc of sub.services) {
        const service: ServiceEntry = {
          subscription: sub,
          scenario: svc,
          id: apimServiceId(sub.subscriptionId, svc.resourceGroup, svc.name),
          apis: [],
        };
        subEntry.services.push(service);
        this.services.set(idKey(service.id), service);
        this.resourceGroups.add(
          idKey(`${sub.subscriptionId}/${svc.resourceGroup}`),
        );
        for (const apiScenario of svc.apis) {
          const api: ApiEntry = {
            service,
            scenario: apiScenario,
            id: apimApiId(
              sub.subscriptionId,
              svc.resourceGroup,
              svc.name,
              apiScenario.name,
            ),
            collectionId: apiCollectionId(
              sub.subscriptionId,
              svc.resourceGroup,
              svc.name,
              apiScenario.name,
            ),
          };
          service.apis.push(api);
          this.apis.set(idKey(api.id), api);
          if (apiScenario.collection) {
            this.collections.set(idKey(api.id), {
              api,
              provisioningState: 'Succeeded',
              counts: apiScenario.collection,
            });
          }
        }
      }
    }
  }

  subscription(subscriptionId: string): SubscriptionEntry | undefined {
    return this.subscriptions.get(idKey(subscriptionId));
  }

  hasResourceGroup(subscriptionId: string, resourceGroup: string): boolean {
    return this.resourceGroups.has(idKey(`${subscriptionId}/${resourceGroup}`));
  }

  service(subscriptionId: string, resourceGroup: string, serviceName: string) {
    return this.services.get(
      idKey(apimServiceId(subscriptionId, resourceGroup, serviceName)),
    );
  }

  api(service: ServiceEntry, apiName: string): ApiEntry | undefined {
    return this.apis.get(idKey(`${service.id}/apis/${apiName}`));
  }

  /** The collection of an API, by the API's id or by the collection's id. */
  collectionById(id: string): CollectionEntry | undefined {
    const apiId = id.replace(
      /\/providers\/Microsoft\.Security\/apiCollections\//i,
      '/apis/',
    );
    return this.collections.get(idKey(apiId));
  }

  collectionOf(api: ApiEntry): CollectionEntry | undefined {
    return this.collections.get(idKey(api.id));
  }

  /** Collections in a scope, in a stable order (scenario order, then onboarding order). */
  collectionsIn(scope: CollectionScope): CollectionEntry[] {
    const key = idKey(
      [
        scope.subscriptionId,
        scope.resourceGroup ?? '',
        scope.serviceName ?? '',
      ].join('/'),
    );
    let list = this.scopeCache.get(key);
    if (!list) {
      list = [...this.collections.values()].filter(c =>
        inScope(c.api.service, scope),
      );
      this.scopeCache.set(key, list);
    }
    return list;
  }

  allCollections(): CollectionEntry[] {
    return [...this.collections.values()];
  }

  /** Starts onboarding `api` (the PUT of its apiCollection). */
  onboard(api: ApiEntry): OnboardOutcome {
    const existing = this.collectionOf(api);
    if (existing?.provisioningState === 'Succeeded') {
      return { kind: 'alreadyOnboarded', collection: existing };
    }
    if (existing?.operationId) {
      const operation = this.operations.get(existing.operationId)!;
      return { kind: 'inProgress', operation, collection: existing };
    }
    const failure = api.scenario.onboarding?.failure;
    if (failure && failure.phase === 'request') {
      return { kind: 'rejected', failure };
    }
    const operation: OperationEntry = {
      id: randomUUID(),
      api,
      pollsLeft: this.lro.pollsUntilDone,
      failure,
    };
    this.operations.set(operation.id, operation);
    const collection: CollectionEntry = {
      api,
      provisioningState: 'InProgress',
      counts: AWAITING_DATA,
      operationId: operation.id,
    };
    this.setCollection(api, collection);
    return { kind: 'started', operation, collection };
  }

  /** Answers one poll of an onboarding operation; undefined when the operation is unknown. */
  poll(operationId: string): PollOutcome | undefined {
    const operation = this.operations.get(idKey(operationId));
    if (!operation) return undefined;
    if (!operation.result) {
      if (operation.pollsLeft > 0) {
        operation.pollsLeft -= 1;
        return { kind: 'running', operation };
      }
      this.finish(operation);
    }
    if (operation.result === 'failed') {
      return { kind: 'failed', operation, failure: operation.failure! };
    }
    const collection = this.collectionOf(operation.api);
    if (!collection) {
      // Offboarded after it finished: the operation itself still succeeded.
      return {
        kind: 'succeeded',
        operation,
        collection: {
          api: operation.api,
          provisioningState: 'Succeeded',
          counts: AWAITING_DATA,
        },
      };
    }
    return { kind: 'succeeded', operation, collection };
  }

  /** Offboards `api` (DELETE of its apiCollection); false when it was not onboarded. */
  offboard(api: ApiEntry): boolean {
    const existing = this.collectionOf(api);
    if (!existing) return false;
    if (existing.operationId) this.operations.delete(existing.operationId);
    this.collections.delete(idKey(api.id));
    this.scopeCache = new Map();
    return true;
  }

  private finish(operation: OperationEntry): void {
    const { api } = operation;
    if (operation.failure) {
      operation.result = 'failed';
      this.collections.delete(idKey(api.id));
    } else {
      operation.result = 'succeeded';
      this.setCollection(api, {
        api,
        provisioningState: 'Succeeded',
        counts:
          api.scenario.onboarding?.collectionAfterOnboarding ?? AWAITING_DATA,
      });
    }
    this.scopeCache = new Map();
  }

  private setCollection(api: ApiEntry, collection: CollectionEntry): void {
    this.collections.set(idKey(api.id), collection);
    this.scopeCache = new Map();
  }
}

function inScope(service: ServiceEntry, scope: CollectionScope): boolean {
  return (
    idKey(service.subscription.subscriptionId) ===
      idKey(scope.subscriptionId) &&
    (scope.resourceGroup === undefined ||
      idKey(service.scenario.resourceGroup) === idKey(scope.resourceGroup)) &&
    (scope.serviceName === undefined ||
      idKey(service.scenario.name) === idKey(scope.serviceName))
  );
}
