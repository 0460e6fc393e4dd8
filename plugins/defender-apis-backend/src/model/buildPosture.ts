import {
  AlertSeverity,
  apiCollectionResourceId,
  ApiManagementApiInfo,
  apiManagementApiResourceId,
  ApiPosture,
  derivePostureStatus,
  emptyAlerts,
  EndpointCounts,
  MappingIssue,
  NotApplicableCause,
  OnboardingState,
  PlanInfo,
  PlanTraffic,
  PostureAlerts,
  EndpointFinding,
  PostureAttackPaths,
  PostureRecommendation,
  sameResourceId,
} from '@defender-apis/plugin-defender-apis-common';
import { notApplicableOf, portalUrl } from './applicability';
import { ServiceFacts, SubscriptionFacts } from './azureFacts';
import { findingsOfApi } from './apiFindings';
import { conflictReason, conflictsAmong } from './claims';
import { CatalogFacts, MappedEntity } from './mapping';
import { ApiCollection, ApimApi, AzureAlert } from './azureResources';

/**
 * What the store keeps per entity: the facts read from the catalog and Azure. The status is
 * derived from them and the onboarding state ({@link composePosture}) whenever either changes.
 */
export interface StoredPosture extends CatalogFacts {
  entityRef: string;
  /** The version of the catalog entity read ({@link MappedEntity.entityVersion}). */
  entityVersion?: string;
  api?: ApiManagementApiInfo;
  mappingIssue?: { issue: MappingIssue; reason: string };
  notApplicable?: { cause: NotApplicableCause; reason: string };
  /** Azure could not be read and nothing was known before. */
  readError?: string;
  plan?: PlanInfo;
  collection?: {
    provisioningState?: string;
    endpoints: EndpointCounts;
    sensitivityLabel?: string;
  };
  alerts: PostureAlerts;
  recommendations: PostureRecommendation[];
  /** The API's endpoints with findings, from the same assessments. */
  endpointFindings?: EndpointFinding[];
  endpointFindingsTotal?: number;
  /** Attack paths through the API's operations, or why they are not known. */
  attackPaths?: PostureAttackPaths;
  refreshedAt?: string;
  stale: boolean;
  staleReason?: string;
  /**
   * Read for a view before any catalog-wide read compared the entity's claim on its API with
   * every API entity of the catalog: its Azure facts are kept but not served until one has.
   */
  claimPending?: true;
}

/** Why a posture whose claim is not checked yet shows nothing read from Azure. */
export const CLAIM_PENDING_REASON =
  'Defender for APIs data for this API is shown once a catalog-wide read has checked that no entity of another team names the same API Management API; a pass over the catalog does within about a minute.';

const ALERTS_SHOWN = 10;

function toSeverity(severity: string): AlertSeverity {
  const s = severity.toLowerCase();
  return s === 'high' || s === 'medium' || s === 'low' ? s : 'informational';
}

function endpointsOf(c: ApiCollection, scanned: boolean): EndpointCounts {
  return {
    total: c.numberOfApiEndpoints ?? 0,
    unauthenticated: c.numberOfUnauthenticatedApiEndpoints ?? 0,
    inactive: c.numberOfInactiveApiEndpoints ?? 0,
    external: c.numberOfExternalApiEndpoints ?? 0,
    sensitiveDataExposed: c.numberOfApiEndpointsWithSensitiveDataExposed ?? 0,
    ...(scanned ? {} : { sensitiveDataScanned: false }),
  };
}

/**
 * Whether anything scans the subscription's APIs for sensitive data: the Defender for APIs
 * plan does; Defender CSPM's API posture alone does only with its sensitive data discovery on.
 */
function sensitiveDataScanned(subscription: SubscriptionFacts): boolean {
  const { plan } = subscription;
  return plan.enabled || !plan.apiPosture || !!plan.sensitiveDataDiscovery;
}

function isUnder(resourceId: string, apiId: string): boolean {
  return (
    sameResourceId(resourceId, apiId) ||
    resourceId.toLowerCase().startsWith(`${apiId.toLowerCase()}/`)
  );
}

/** Alerts on the API: by resource id of the API (or below it) or its collection, else by compromised entity. */
export function alertsForApi(
  alerts: AzureAlert[],
  api: {
    resourceId: string;
    collectionId: string;
    apiId: string;
    displayName?: string;
  },
): PostureAlerts {
  const names = [api.apiId, api.displayName]
    .filter(Boolean)
    .map(n => n!.toLowerCase());
  const mapped = alerts.filter(alert => {
    // Only ids of an API (or below it) or of a collection identify the API; a service id does not.
    const apimIds = alert.resourceIds.filter(id =>
      /\/microsoft\.apimanagement\/service\/[^/]+\/(apis|providers\/microsoft\.security\/apicollections)\//i.test(
        id,
      ),
    );
    if (apimIds.length > 0) {
      return apimIds.some(
        id =>
          isUnder(id, api.resourceId) || sameResourceId(id, api.collectionId),
      );
    }
    return (
      alert.compromisedEntity !== undefined &&
      names.includes(alert.compromisedEntity.toLowerCase())
    );
  });
  const active = mapped
    .filter(a => a.status.toLowerCase() === 'active')
    .sort((a, b) =>
      (b.timeGenerated ?? '').localeCompare(a.timeGenerated ?? ''),
    );
  const summary = emptyAlerts();
  for (const alert of active)
    summary.bySeverity[toSeverity(alert.severity)] += 1;
  summary.active = active.length;
  // Sorted most recent first, with alerts without a time last: the oldest time is the last one.
  const oldest = active.findLast(a => a.timeGenerated)?.timeGenerated;
  if (oldest) summary.oldestGeneratedAt = oldest;
  summary.items = active.slice(0, ALERTS_SHOWN).map(a => ({
    id: a.id,
    alertType: a.alertType,
    displayName: a.displayName,
    severity: toSeverity(a.severity),
    status: a.status,
    ...(a.timeGenerated ? { timeGenerated: a.timeGenerated } : {}),
    ...(a.url ? { url: a.url } : {}),
  }));
  return summary;
}

/** What Azure says about the subscription, service and collection of one API. */
export interface AzureFactsOfApi {
  subscription: SubscriptionFacts;
  service: ServiceFacts;
  /** Undefined when the API is not onboarded. */
  collection: ApiCollection | undefined;
  /** The API as read on its own, when the service's list was read before it existed. */
  api?: ApimApi;
  /** How the subscription's API traffic fits its plan; undefined when unknown. */
  traffic?: PlanTraffic;
}

/** The facts of one mapped entity; without `azure`, only what the catalog tells. */
export function buildStoredPosture(
  entity: MappedEntity,
  azure: AzureFactsOfApi | undefined,
  refreshedAt: string,
): StoredPosture {
  const stored: StoredPosture = {
    entityRef: entity.entityRef,
    ...(entity.entityVersion ? { entityVersion: entity.entityVersion } : {}),
    ...entity.catalog,
    alerts: emptyAlerts(),
    recommendations: [],
    refreshedAt,
    stale: false,
  };
  if (entity.mappingIssue || !entity.target) {
    return {
      ...stored,
      ...(entity.mappingIssue ? { mappingIssue: entity.mappingIssue } : {}),
    };
  }
  const { ref } = entity.target;
  const resourceId = apiManagementApiResourceId(ref);
  const apim =
    azure?.api ??
    azure?.service.api(resourceId, ref.apiId, Boolean(ref.workspace));
  stored.api = {
    resourceId,
    subscriptionId: ref.subscriptionId,
    resourceGroup: ref.resourceGroup,
    serviceName: ref.serviceName,
    apiId: ref.apiId,
    ...(ref.workspace ? { workspace: ref.workspace } : {}),
    ...(apim?.displayName ? { displayName: apim.displayName } : {}),
    ...(apim?.apiType ? { apiType: apim.apiType } : {}),
    portalUrl: portalUrl(resourceId),
  };
  if (entity.notApplicable)
    return { ...stored, notApplicable: entity.notApplicable };
  if (!azure) return stored;
  const { subscription, service, collection, traffic } = azure;

  if (!apim) {
    return {
      ...stored,
      mappingIssue: {
        issue: 'apiNotFound',
        reason: `API Management service "${ref.serviceName}" has no API "${ref.apiId}".`,
      },
    };
  }
  const notApplicable = notApplicableOf(apim, {
    name: ref.serviceName,
    skuName: service.skuName,
  });
  if (notApplicable) return { ...stored, notApplicable };

  stored.plan = {
    ...subscription.plan,
    subscriptionId: ref.subscriptionId,
    ...(traffic ? { traffic } : {}),
  };
  const collectionId = apiCollectionResourceId(ref);
  if (collection) {
    stored.collection = {
      provisioningState: collection.provisioningState,
      endpoints: endpointsOf(collection, sensitiveDataScanned(subscription)),
      ...(collection.sensitivityLabel
        ? { sensitivityLabel: collection.sensitivityLabel }
        : {}),
    };
  }
  const apiKey = resourceId.toLowerCase();
  stored.alerts = alertsForApi(
    subscription.alertsOf(apiKey, [ref.apiId, apim.displayName]),
    {
      resourceId,
      collectionId,
      apiId: ref.apiId,
      displayName: apim.displayName,
    },
  );
  const findings = findingsOfApi(
    subscription.assessmentsOf(apiKey),
    resourceId,
  );
  stored.recommendations = findings.recommendations;
  if (findings.endpointFindingsTotal > 0) {
    stored.endpointFindings = findings.endpointFindings;
    stored.endpointFindingsTotal = findings.endpointFindingsTotal;
  }
  const attackPaths = subscription.attackPathsOf(apiKey);
  if (attackPaths) stored.attackPaths = attackPaths;
  return stored;
}

/**
 * The posture served to callers: stored facts, the onboarding state, and the derived status.
 * `conflictWith` names the entities of other owners mapping the same API ({@link conflictsAmong}):
 * then the posture carries no Azure facts, since the caller's claim on the API is contested.
 */
export function composePosture(
  facts: StoredPosture,
  operation?: OnboardingState,
  conflictWith: string[] = [],
): ApiPosture {
  const contested = conflictWith.length > 0;
  // A claim not checked yet shows nothing of the API it names; a conflict says more.
  const pending =
    !contested &&
    facts.claimPending === true &&
    !!facts.api &&
    !facts.mappingIssue;
  const hidden = contested || pending ? withoutAzureFacts(facts) : facts;
  // Why Azure could not be read says nothing about the API: a pending claim still shows it.
  const stored =
    pending && facts.readError
      ? { ...hidden, readError: facts.readError }
      : hidden;
  const onboarding = contested || pending ? undefined : operation;
  const derived = derivePostureStatus({
    mappingIssue: stored.mappingIssue,
    ...(contested
      ? { conflict: { reason: conflictReason(conflictWith) } }
      : {}),
    notApplicable: stored.notApplicable,
    readError: stored.readError,
    plan: stored.plan,
    onboarding,
    collection: stored.collection,
    alerts: stored.alerts,
  });
  const { status, reason } =
    pending && !facts.readError
      ? { status: 'awaitingData' as const, reason: CLAIM_PENDING_REASON }
      : derived;
  return {
    entityRef: stored.entityRef,
    status,
    owners: stored.owners,
    ...(stored.title ? { title: stored.title } : {}),
    ...(stored.system ? { system: stored.system } : {}),
    ...(stored.domain ? { domain: stored.domain } : {}),
    ...(stored.lifecycle ? { lifecycle: stored.lifecycle } : {}),
    ...(reason ? { reason } : {}),
    ...(stored.mappingIssue ? { mappingIssue: stored.mappingIssue.issue } : {}),
    ...(stored.notApplicable
      ? { notApplicableCause: stored.notApplicable.cause }
      : {}),
    ...(contested ? { conflictWith } : {}),
    ...(pending ? { claimPending: true as const } : {}),
    ...(stored.api ? { api: stored.api } : {}),
    ...(stored.plan ? { plan: stored.plan } : {}),
    ...(stored.collection ? { endpoints: stored.collection.endpoints } : {}),
    ...(stored.collection?.sensitivityLabel
      ? { sensitivityLabel: stored.collection.sensitivityLabel }
      : {}),
    alerts: stored.alerts,
    recommendations: stored.recommendations,
    ...(stored.endpointFindings
      ? {
          endpointFindings: stored.endpointFindings,
          endpointFindingsTotal:
            stored.endpointFindingsTotal ?? stored.endpointFindings.length,
        }
      : {}),
    ...(stored.attackPaths ? { attackPaths: stored.attackPaths } : {}),
    ...(onboarding ? { onboarding } : {}),
    ...(stored.refreshedAt ? { refreshedAt: stored.refreshedAt } : {}),
    stale: stored.stale,
    ...(stored.staleReason ? { staleReason: stored.staleReason } : {}),
  };
}

/** What the annotation alone says about the API: nothing read from Azure. */
function withoutAzureFacts(stored: StoredPosture): StoredPosture {
  const {
    plan,
    collection,
    readError,
    notApplicable,
    api,
    endpointFindings,
    endpointFindingsTotal,
    attackPaths,
    ...rest
  } = stored;
  return {
    ...rest,
    ...(api
      ? {
          api: {
            resourceId: api.resourceId,
            subscriptionId: api.subscriptionId,
            resourceGroup: api.resourceGroup,
            serviceName: api.serviceName,
            apiId: api.apiId,
            ...(api.workspace ? { workspace: api.workspace } : {}),
            portalUrl: api.portalUrl,
          },
        }
      : {}),
    alerts: emptyAlerts(),
    recommendations: [],
  };
}

/**
 * The postures of all the entities mapped to one API, composed together: with the API's
 * onboarding state and the claims among them. Entities whose mapping was refused (owner not
 * allowed, no such API) claim nothing.
 */
export function composeApiPostures(
  facts: readonly StoredPosture[],
  operation?: OnboardingState,
): ApiPosture[] {
  const conflicts = conflictsAmong(facts.filter(f => !f.mappingIssue));
  return facts.map(stored =>
    composePosture(stored, operation, conflicts.get(stored.entityRef)),
  );
}

/**
 * What is stored for an entity whose posture the database refused: its ref, owners and the
 * reason, as an `error` posture, without the catalog and Azure text that may have been refused.
 */
export function unstorablePosture(
  posture: StoredPosture,
  reason: string,
): StoredPosture {
  return {
    entityRef: posture.entityRef,
    // Kept so the catalog pass does not read the same revision again every minute.
    ...(posture.entityVersion ? { entityVersion: posture.entityVersion } : {}),
    owners: posture.owners,
    alerts: emptyAlerts(),
    recommendations: [],
    stale: true,
    readError: `The posture of this entity could not be stored: ${reason}`,
    ...(posture.refreshedAt ? { refreshedAt: posture.refreshedAt } : {}),
  };
}
