/**
 * Azure snapshots indexed by lower-cased APIM API resource id, built once per read so that
 * building the posture of each entity is a few map lookups, never a scan of whole lists.
 */
import {
  ATTACK_PATH_ANALYSIS_URL,
  byAttackPathRisk,
  PostureAttackPaths,
} from '@defender-apis/plugin-defender-apis-common';
import { forEachInChunks } from '../util/yieldToEventLoop';
import {
  ApiCollection,
  ApimApi,
  AttackPathsRead,
  AzureAlert,
  AzureAttackPath,
  AzureAssessment,
  ServiceSnapshot,
  SubscriptionSnapshot,
} from './azureResources';

// The APIM API an ARM id is (or is below): `…/service/{svc}/apis/{api}`.
const API_ID =
  /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.apimanagement\/service\/[^/]+\/apis\/[^/]+)(\/|$)/;
// An API's collection: `…/service/{svc}/providers/microsoft.security/apicollections/{api}`.
const COLLECTION_ID =
  /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.apimanagement\/service\/[^/]+)\/providers\/microsoft\.security\/apicollections\/([^/]+)$/;

/**
 * The key of the APIM API an ARM id names or lies below (an operation, a collection), or
 * undefined for ids of anything else. Ids compare case-insensitively.
 */
export function apiKeyOf(resourceId: string): string | undefined {
  const id = resourceId.toLowerCase();
  const api = API_ID.exec(id);
  if (api) return api[1];
  const collection = COLLECTION_ID.exec(id);
  return collection ? `${collection[1]}/apis/${collection[2]}` : undefined;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A subscription's plan, alerts and assessments, indexed by API. */
export class SubscriptionFacts {
  private readonly alertsByApi = new Map<string, AzureAlert[]>();
  private readonly alertsByName = new Map<string, AzureAlert[]>();
  private readonly assessmentsByApi = new Map<string, AzureAssessment[]>();
  /** Attack paths through each API, with the names of the API's resources on each. */
  private readonly attackPathsByApi = new Map<
    string,
    Array<{ path: AzureAttackPath; through: string[] }>
  >();

  private constructor(
    readonly plan: SubscriptionSnapshot['plan'],
    private readonly attackPaths: AttackPathsRead | undefined,
  ) {}

  /** Indexes a snapshot, yielding to the event loop while it works through long lists. */
  static async index(
    snapshot: SubscriptionSnapshot,
  ): Promise<SubscriptionFacts> {
    const facts = new SubscriptionFacts(snapshot.plan, snapshot.attackPaths);
    if (snapshot.attackPaths?.available) {
      for (const path of snapshot.attackPaths.items) {
        const through = new Map<string, string[]>();
        for (const resource of path.resources) {
          const key = apiKeyOf(resource.resourceId);
          if (key)
            through.set(key, [...(through.get(key) ?? []), resource.name]);
        }
        for (const [key, names] of through)
          push(facts.attackPathsByApi, key, { path, through: names });
      }
    }
    await forEachInChunks(snapshot.alerts, alert => {
      const keys = new Set(alert.resourceIds.flatMap(id => apiKeyOf(id) ?? []));
      if (keys.size > 0) {
        for (const key of keys) push(facts.alertsByApi, key, alert);
      } else if (alert.compromisedEntity) {
        // Without an API's id the alert names its API only by the compromised entity.
        push(facts.alertsByName, alert.compromisedEntity.toLowerCase(), alert);
      }
    });
    await forEachInChunks(snapshot.assessments, assessment => {
      const key = apiKeyOf(assessment.resourceId);
      if (key) push(facts.assessmentsByApi, key, assessment);
    });
    return facts;
  }

  /** Alerts that may concern the API: by its id (or an id below it) or by its names. */
  alertsOf(apiKey: string, names: Array<string | undefined>): AzureAlert[] {
    const found = new Set(this.alertsByApi.get(apiKey) ?? []);
    for (const name of names) {
      for (const alert of (name && this.alertsByName.get(name.toLowerCase())) ||
        [])
        found.add(alert);
    }
    return [...found];
  }

  /** Assessments on the API or one of its operations. */
  assessmentsOf(apiKey: string): AzureAssessment[] {
    return this.assessmentsByApi.get(apiKey) ?? [];
  }

  /**
   * Attack paths through the API's operations, highest risk first, or why they are not known;
   * undefined when the read behind these facts did not look for them (a first view's).
   */
  attackPathsOf(apiKey: string): PostureAttackPaths | undefined {
    const read = this.attackPaths;
    if (!read) return undefined;
    if (!read.available)
      return { available: false, reason: read.reason, items: [] };
    const items = (this.attackPathsByApi.get(apiKey) ?? []).map(
      ({ path, through }) => ({
        id: path.id,
        displayName: path.displayName,
        riskLevel: path.riskLevel,
        riskCategories: path.riskCategories,
        ...(path.entryPoint ? { entryPoint: path.entryPoint } : {}),
        ...(path.target ? { target: path.target } : {}),
        through,
        url: ATTACK_PATH_ANALYSIS_URL,
      }),
    );
    return { available: true, items: items.sort(byAttackPathRisk) };
  }
}

/** An APIM service's tier and APIs, indexed by id and name. */
export class ServiceFacts {
  private readonly byId = new Map<string, ApimApi>();
  private readonly byName = new Map<string, ApimApi>();
  readonly skuName?: string;
  /** Every API the service listed, revisions included. */
  readonly apis: readonly ApimApi[];

  /**
   * @param listedAt - when the list was read (ISO time); absent: by the read at hand.
   */
  constructor(
    snapshot: Pick<ServiceSnapshot, 'skuName' | 'apis'>,
    readonly listedAt?: string,
  ) {
    this.skuName = snapshot.skuName;
    this.apis = snapshot.apis;
    for (const api of snapshot.apis) {
      this.byId.set(api.id.toLowerCase(), api);
      const name = api.name.toLowerCase();
      if (!this.byName.has(name)) this.byName.set(name, api);
    }
  }

  /** The API with this ARM id or, outside workspaces, with this API id as its name. */
  api(
    resourceId: string,
    apiId: string,
    inWorkspace: boolean,
  ): ApimApi | undefined {
    return (
      this.byId.get(resourceId.toLowerCase()) ??
      (inWorkspace ? undefined : this.byName.get(apiId.toLowerCase()))
    );
  }
}

/** Collections by the key of their API. */
export function collectionsByApi(
  collections: Iterable<ApiCollection>,
): Map<string, ApiCollection> {
  const result = new Map<string, ApiCollection>();
  for (const collection of collections) {
    const key = collection.id && apiKeyOf(collection.id);
    if (key) result.set(key, collection);
  }
  return result;
}
