import type { PostureAttackPaths } from './attackPaths';
import type { CoverageKind } from './coverage';

/**
 * The posture of one catalog API as Defender for APIs sees it. This is the JSON the backend
 * serves and the frontend renders; the fields docs/contracts.md marks fixed are a contract.
 */

/**
 * The one derived state of an API, in the order of precedence used by {@link derivePostureStatus}.
 *
 * @public
 */
export type PostureStatus =
  | 'protected'
  | 'atRisk'
  | 'awaitingData'
  | 'onboarding'
  | 'notOnboarded'
  | 'planDisabled'
  | 'notApplicable'
  | 'unmapped'
  | 'conflict'
  | 'error'
  | 'postureOnly';

/** Every posture status, for validation and exhaustive tables. @public */
export const POSTURE_STATUSES: readonly PostureStatus[] = [
  'protected',
  'atRisk',
  'awaitingData',
  'postureOnly',
  'onboarding',
  'notOnboarded',
  'planDisabled',
  'notApplicable',
  'unmapped',
  'conflict',
  'error',
];

/** Why an entity could not be mapped to an APIM API. @public */
export type MappingIssue =
  | 'missingAnnotation'
  | 'malformedAnnotation'
  | 'unknownService'
  | 'apiNotFound'
  | 'ownerNotAllowed';

/** Why Defender for APIs does not apply to an API. @public */
export type NotApplicableCause =
  | 'apiType'
  | 'revision'
  | 'workspace'
  | 'consumptionTier';

/** The APIM API an entity maps to. @public */
export interface ApiManagementApiInfo {
  /** ARM id of the APIM API, in the casing the annotation or Azure gave. */
  resourceId: string;
  /** Azure subscription of the APIM service. */
  subscriptionId: string;
  /** Resource group of the APIM service. */
  resourceGroup: string;
  /** Name of the APIM service. */
  serviceName: string;
  /** APIM API id, with its `;rev=N` suffix when the annotation names a revision. */
  apiId: string;
  /** Set for APIs that live in an APIM workspace. */
  workspace?: string;
  /** The API's display name in APIM. */
  displayName?: string;
  /** APIM `apiType`; absent means `http`. */
  apiType?: string;
  /** Link to the API in the Azure portal. */
  portalUrl: string;
}

/** Defender for APIs plan state of the API's subscription. @public */
export interface PlanInfo {
  /** Whether the Defender for APIs plan is on (pricing tier `Standard`) for the subscription. */
  enabled: boolean;
  /** The plan's sub-plan as Azure names it (e.g. `P1`); absent when Azure gives none. */
  subPlan?: string;
  /** The Azure subscription the plan is of. */
  subscriptionId?: string;
  /**
   * Whether Defender CSPM's API security posture extension is on for the subscription
   * (`CloudPosture` plan on, extension `ApiPosture` enabled): agentless posture findings for
   * its APIM APIs, without the threat detection of the Defender for APIs plan. Absent when the
   * CSPM plan could not be read.
   */
  apiPosture?: boolean;
  /**
   * Whether Defender CSPM's sensitive data discovery is on; without it, APIs covered by CSPM
   * posture only are not scanned for sensitive data.
   */
  sensitiveDataDiscovery?: boolean;
  /**
   * How the subscription's API traffic fits the plan. Absent when the plan is off, its
   * sub-plan is unknown or the traffic could not be read (plan fit is then unknown).
   */
  traffic?: PlanTraffic;
}

/**
 * Whether a subscription's API traffic fits its Defender for APIs plan:
 * `exceeds` (above the plan's monthly entitlement), `smallerPlanFits` (a smaller
 * plan's entitlement covers it) or `fits`.
 *
 * @public
 */
export type PlanFitVerdict = 'fits' | 'exceeds' | 'smallerPlanFits';

/**
 * The API traffic of a subscription over the last 30 days against its plan, as
 * Microsoft advises sizing plans: the `Requests` metric (total) of its API
 * Management services, summed.
 *
 * @public
 */
export interface PlanTraffic {
  /** Requests of the subscription's API Management services in the last 30 days. */
  requestsLast30Days: number;
  /** Monthly API calls the current plan includes. */
  entitlement?: number;
  /** How the traffic fits the plan. */
  verdict: PlanFitVerdict;
  /**
   * The plan to move to: the smallest that covers the traffic (or the largest
   * when none does) for `exceeds`, the smallest covering one for `smallerPlanFits`.
   */
  suggestedPlan?: string;
}

/** Endpoint counts of an onboarded API collection. @public */
export interface EndpointCounts {
  /** All endpoints of the collection. */
  total: number;
  /** Endpoints that accept unauthenticated calls. */
  unauthenticated: number;
  /** No traffic in the last 30 days. */
  inactive: number;
  /** Endpoints that received API traffic from the internet. */
  external: number;
  /** Endpoints that expose sensitive data in their requests or responses. */
  sensitiveDataExposed: number;
  /**
   * `false` when nothing scans the API for sensitive data (covered by Defender CSPM posture
   * only, with its sensitive data discovery off): `sensitiveDataExposed` is then not a finding
   * and is shown as "not scanned". Absent means scanned.
   */
  sensitiveDataScanned?: boolean;
}

/** Alert severities as Defender for Cloud names them, lower-cased. @public */
export type AlertSeverity = 'high' | 'medium' | 'low' | 'informational';

/** One security alert mapped to the API. @public */
export interface PostureAlert {
  /** The alert's ARM id. */
  id: string;
  /** Defender for Cloud alert type; Defender for APIs alert types start with `API_`. */
  alertType: string;
  /** The alert's title as Defender for Cloud shows it. */
  displayName: string;
  /** The alert's severity. */
  severity: AlertSeverity;
  /** The alert's status as Azure gives it, e.g. `Active`. */
  status: string;
  /** ISO time the alert was generated. */
  timeGenerated?: string;
  /** Link to the alert in the Azure portal. */
  url?: string;
}

/** Alerts mapped to the API. @public */
export interface PostureAlerts {
  /** Number of active alerts. */
  active: number;
  /** Number of active alerts of each severity. */
  bySeverity: Record<AlertSeverity, number>;
  /** Active alerts, most recent first. */
  items: PostureAlert[];
  /** ISO time the oldest active alert was generated, when any active alert gives one. */
  oldestGeneratedAt?: string;
}

/** One open (unhealthy) recommendation on the API or one of its operations. @public */
export interface PostureRecommendation {
  /** Assessment key, e.g. `91af2040-7874-4659-abf0-578e1f8d07dc`. */
  key: string;
  /** The recommendation's title as Defender for Cloud shows it. */
  displayName: string;
  /** Resource the assessment is on (the API or one of its operations). */
  resourceId: string;
  /** Severity from the assessment's metadata, as Azure gives it (e.g. `High`). */
  severity?: string;
  /** Link to the recommendation in the Azure portal. */
  url?: string;
  /** How many resources (the API and its operations) the assessment is unhealthy on. */
  affectedResources?: number;
  /** What the recommendation is about, from the assessment's metadata. */
  description?: string;
  /** How to remediate it, as Defender for Cloud says (the assessment's metadata). */
  remediation?: string;
  /**
   * Ids of the API's operations (endpoints) the assessment is unhealthy on, sorted; absent
   * when it is only on the API itself. At most {@link MAX_ENDPOINT_FINDINGS}.
   */
  endpoints?: string[];
  /** True when the assessment is unhealthy on the API itself too. */
  onApi?: boolean;
}

/**
 * What an unhealthy assessment says of an endpoint, where Azure says so: no authentication,
 * no traffic for 30 days, external traffic, sensitive data.
 *
 * @public
 */
export type EndpointFindingKind =
  | 'unauthenticated'
  | 'unused'
  | 'external'
  | 'sensitiveData';

/**
 * One endpoint (APIM operation) of the API with open findings, from the unhealthy
 * assessments on it.
 *
 * @public
 */
export interface EndpointFinding {
  /** The operation's id in API Management (its ARM name), e.g. `create-order`. */
  operationId: string;
  /** What the assessments say of it, in a fixed order; empty when none is a known kind. */
  findings: EndpointFindingKind[];
  /** Keys of the recommendations open on it (see `ApiPosture.recommendations`). */
  recommendationKeys: string[];
}

/**
 * One endpoint of the API with open findings, with what API Management says of the operation
 * (`GET /posture/:kind/:namespace/:name/endpoints`).
 *
 * @public
 */
export interface ApiEndpoint extends EndpointFinding {
  /** The operation's name in API Management. */
  displayName?: string;
  /** HTTP method, e.g. `POST`. */
  method?: string;
  /** URL template relative to the API's path, e.g. `/orders/{orderId}`. */
  urlTemplate?: string;
}

/**
 * The API's endpoints with open findings, joined with its operations in API Management.
 *
 * @public
 */
export interface ApiEndpointList {
  /** Sorted by operation id; at most {@link MAX_ENDPOINT_FINDINGS}. */
  items: ApiEndpoint[];
  /** How many endpoints have open findings. */
  total: number;
  /**
   * Why API Management's operations could not be read (names, methods and URL templates are
   * then missing), when they could not.
   */
  operationsError?: string;
}

/**
 * The most endpoints a posture lists with findings (and a recommendation names); the count
 * of all of them is `endpointFindingsTotal`.
 *
 * @public
 */
export const MAX_ENDPOINT_FINDINGS = 200;

/** The onboarding operation the backend runs or last ran for the API. @public */
export interface OnboardingState {
  /** Where the operation is: waiting its turn, running, or finished either way. */
  state: 'queued' | 'running' | 'succeeded' | 'failed';
  /** User entity ref of who asked for it. */
  requestedBy?: string;
  /** ISO time it was asked for. */
  requestedAt?: string;
  /** ISO time it succeeded or failed. */
  finishedAt?: string;
  /** Azure's message when the operation failed. */
  error?: string;
}

/**
 * What the caller may do with the API, decided by the backend for the user who asked
 * (`GET /posture/:kind/:namespace/:name/access`). Whether the API can be onboarded now is the
 * posture's status; this says only whether the caller would be allowed to.
 *
 * @public
 */
export interface PostureAccess {
  /** Whether the caller may onboard this API (owners, or whom the permission policy allows). */
  canOnboard: boolean;
  /**
   * Whether the caller may offboard this API (owners, or whom the permission policy allows
   * `defender-apis.api.offboard`). Absent from backends older than offboarding.
   */
  canOffboard?: boolean;
}

/** Posture of one catalog API entity. @public */
export interface ApiPosture {
  /** Ref of the `kind: API` entity, e.g. `api:default/payments`. */
  entityRef: string;
  /** The API's one derived status; see {@link derivePostureStatus}. */
  status: PostureStatus;
  /** Entity refs of the entity's owners (its `ownedBy` relations), as the catalog last said. */
  owners: string[];
  /** The entity's `metadata.title`, when set. */
  title?: string;
  /** Entity ref of the system the API is part of (`spec.system`), when set. */
  system?: string;
  /** Entity ref of the domain of that system, when the system names one. */
  domain?: string;
  /** The entity's `spec.lifecycle`, when set. */
  lifecycle?: string;
  /** Human sentence, present for every status but `protected`. */
  reason?: string;
  /** Set for `unmapped`. */
  mappingIssue?: MappingIssue;
  /** Set for `notApplicable`. */
  notApplicableCause?: NotApplicableCause;
  /**
   * Set for `conflict`: refs of the entities of other owners that map to the same APIM API,
   * those the caller may see (the reason counts the others). Until the conflict is resolved
   * the posture carries no Azure facts.
   */
  conflictWith?: string[];
  /**
   * Set while no catalog-wide read has compared the entity's claim on its APIM API with every
   * API entity of the catalog (a first view of a new entity): the status is `awaitingData`,
   * the posture carries no Azure facts and the API cannot be onboarded until one has.
   */
  claimPending?: true;
  /** The APIM API the entity maps to, when it maps to one. */
  api?: ApiManagementApiInfo;
  /** Defender for APIs plan of the API's subscription, when it was read. */
  plan?: PlanInfo;
  /** Endpoint counts of the API's collection, when the API is onboarded. */
  endpoints?: EndpointCounts;
  /** The collection's highest-priority Microsoft Purview sensitivity label, when it has one. */
  sensitivityLabel?: string;
  /** Security alerts mapped to the API. */
  alerts: PostureAlerts;
  /** Open recommendations on the API and its operations. */
  recommendations: PostureRecommendation[];
  /**
   * The API's endpoints with open findings, by operation id, at most
   * {@link MAX_ENDPOINT_FINDINGS}; absent when none has any.
   */
  endpointFindings?: EndpointFinding[];
  /** How many endpoints have open findings, when `endpointFindings` is present. */
  endpointFindingsTotal?: number;
  /**
   * Defender CSPM's attack paths through the API's operations; absent until a scheduled
   * refresh has read them.
   */
  attackPaths?: PostureAttackPaths;
  /** The onboarding operation the backend runs or last ran for the API, if any. */
  onboarding?: OnboardingState;
  /** ISO time the data was read from Azure. */
  refreshedAt?: string;
  /**
   * ISO time the API took its current status, as the backend first stored it; for APIs stored
   * before the backend kept it, the time it started keeping it (a lower bound).
   */
  statusSince?: string;
  /** True when the last refresh of this data failed; `staleReason` says why. */
  stale: boolean;
  /** Why the last refresh failed, when `stale`. */
  staleReason?: string;
}

/**
 * Fields `GET /posture` sorts by (`sort=`). `status` sorts by attention
 * ({@link STATUS_ATTENTION_ORDER}), counts sort numerically with "no data" lowest.
 *
 * @public
 */
export type PostureSortField =
  | 'name'
  | 'status'
  | 'owner'
  | 'system'
  | 'lifecycle'
  | 'unauthenticated'
  | 'sensitiveData'
  | 'activeAlerts'
  | 'highAlerts'
  | 'refreshedAt';

/** Every sort field, for validation. @public */
export const POSTURE_SORT_FIELDS: readonly PostureSortField[] = [
  'name',
  'status',
  'owner',
  'system',
  'lifecycle',
  'unauthenticated',
  'sensitiveData',
  'activeAlerts',
  'highAlerts',
  'refreshedAt',
];

/**
 * Filters, sort and paging of `GET /posture`. Each filter is repeatable: values of one filter
 * are alternatives (OR), different filters all apply (AND).
 *
 * @public
 */
export interface PostureListQuery {
  /** Owner entity refs, e.g. `group:default/team-payments`. */
  owner?: string[];
  /** System entity refs, e.g. `system:default/payments`. */
  system?: string[];
  /** Domain entity refs, e.g. `domain:default/commerce`. */
  domain?: string[];
  /** Lifecycles, e.g. `production`. */
  lifecycle?: string[];
  /** Posture statuses. */
  status?: PostureStatus[];
  /**
   * Kinds of coverage (`threatProtection`, `postureOnly`, `none`: the Defender portal's
   * "Defender plan" filter); with `status`, APIs must match both.
   */
  coverage?: CoverageKind[];
  /** Case-insensitive text in the entity's name or title. */
  q?: string;
  /**
   * `true`: only APIs on at least one Defender CSPM attack path; `false`: only APIs known to be
   * on none (attack paths read, none through the API).
   */
  onAttackPath?: boolean;
  /** Default `name`. */
  sort?: PostureSortField;
  /** Default `asc`. */
  order?: 'asc' | 'desc';
  /** `nextCursor` of the previous page; takes the place of `offset`. */
  cursor?: string;
  /** Index of the first item; default 0. */
  offset?: number;
  /** Page size; default 100, at most 500. */
  limit?: number;
}

/**
 * One page of `GET /posture`: the postures of the API entities the caller may see, after the
 * filters, in the requested order, at most `limit` of them.
 *
 * @public
 */
export interface PostureList {
  /** The postures of this page. */
  items: ApiPosture[];
  /** How many postures match the filters across all pages. */
  totalItems: number;
  /** Index of the first item of this page; absent on pages read with a cursor. */
  offset?: number;
  /** The page size the backend applied (at most 500). */
  limit: number;
  /** Pass as `cursor` to read the next page; absent on the last page. */
  nextCursor?: string;
  /**
   * API entities of the catalog in the query's owners, systems and domains (all when none),
   * visible to the caller, that no catalog-wide read has checked yet: no page lists them.
   * Always present in `GET /posture` answers.
   */
  pending?: number;
  /** Whether every API entity of that scope can be listed (`pending` is 0). */
  complete?: boolean;
  /**
   * When `pending`: the ISO time the backend expects to read them, its next pass over the
   * catalog (a bulk change may take until the full refresh after it has ended).
   */
  nextReadAt?: string;
}

/**
 * Counts of one group of APIs (all of them, one owner's, one system's or one domain's) by
 * posture status, with their Defender for APIs coverage.
 *
 * @public
 */
export interface PostureCounts {
  /** How many APIs the group has. */
  total: number;
  /** How many APIs of the group are in each status; a status with none may be absent. */
  byStatus: Partial<Record<PostureStatus, number>>;
  /** APIs onboarded: {@link ONBOARDED_STATUSES}, threat-protected by Defender for APIs. */
  onboarded: number;
  /**
   * APIs covered for posture: onboarded, or covered by Defender CSPM's API posture only
   * (`postureOnly`). Always set by `GET /summary`.
   */
  postureCovered?: number;
  /** APIs Defender for APIs applies to: all but {@link OUT_OF_COVERAGE_STATUSES}. */
  applicable: number;
}

/**
 * What `GET /summary` counts: the APIs of any of the given owners, systems and domains (entity
 * refs; several values of one field are alternatives, different fields all apply), or every API
 * the caller may see when none is given.
 *
 * @public
 */
export type PostureSummaryQuery = Pick<
  PostureListQuery,
  'owner' | 'system' | 'domain'
>;

/**
 * The answer of `GET /summary`: catalog-wide counts by status and coverage, and the same per
 * owner, system and domain.
 *
 * @public
 */
export interface PostureSummary extends PostureCounts {
  /** How many of them are in each status; every status is present. */
  byStatus: Record<PostureStatus, number>;
  /**
   * Counts per owner entity ref (e.g. `group:default/team-payments`). An API with several
   * owners counts once for each of them.
   */
  byOwner: Record<string, PostureCounts>;
  /** Counts per system entity ref; APIs without a system are not in it. */
  bySystem: Record<string, PostureCounts>;
  /** Counts per domain entity ref; APIs without a domain are not in it. */
  byDomain: Record<string, PostureCounts>;
  /**
   * The Defender for APIs plan of each subscription among the APIs counted, with its API
   * traffic and plan fit when known, ordered by subscription id.
   */
  plans?: PlanInfo[];
  /**
   * API entities of the catalog in this scope, visible to the caller, that no catalog-wide
   * read has checked yet (new since the last refresh, or just after a first start): none of
   * the counts includes them. Always present in `GET /summary` answers.
   */
  pending?: number;
  /** Whether the counts include every API entity of the scope (`pending` is 0). */
  complete?: boolean;
  /** When `pending`: the ISO time the backend expects to read them (see {@link PostureList}). */
  nextReadAt?: string;
}

/** An empty alert summary. @public */
export function emptyAlerts(): PostureAlerts {
  return {
    active: 0,
    bySeverity: { high: 0, medium: 0, low: 0, informational: 0 },
    items: [],
  };
}

/** Most entity refs one `POST /onboard` may name. @public */
export const MAX_ONBOARDING_BATCH = 500;

/**
 * What became of one API of an onboarding batch when it was requested: `queued` (the backend
 * starts it at the configured pace), `alreadyQueued` (an operation was queued or running),
 * `alreadyOnboarded`, `refused` (with the reason: not an owner, not applicable, plan off,
 * conflict, not mapped, not in the catalog), and `cancelled` once the batch was cancelled
 * before it started, or when the backend, deciding again as it was about to start it, found
 * that it may no longer run (with the reason).
 *
 * @public
 */
export type OnboardingBatchOutcome =
  | 'queued'
  | 'alreadyQueued'
  | 'alreadyOnboarded'
  | 'refused'
  | 'cancelled';

/** One API of an onboarding batch. @public */
export interface OnboardingBatchItem {
  /** Ref of the API entity. */
  entityRef: string;
  /** What became of it when the batch was requested, or `cancelled`. */
  outcome: OnboardingBatchOutcome;
  /** Why it was refused, or what it already was. */
  reason?: string;
  /** For queued APIs: the operation's state as it progresses. */
  operation?: OnboardingState;
}

/**
 * An onboarding batch (`POST /onboard`, `GET /onboard/batches/:id`): APIs requested together and
 * started by the backend at `defenderApis.onboarding.pace` per service, whether or not the
 * requester's browser stays open.
 *
 * @public
 */
export interface OnboardingBatch {
  /** The batch id, for `GET /onboard/batches/:id`. */
  id: string;
  /** User entity ref of who requested the batch. */
  requestedBy: string;
  /** ISO time the batch was requested. */
  requestedAt: string;
  /** Set once the batch was cancelled: its APIs that had not started were taken out of the queue. */
  cancelledAt?: string;
  /** One item per entity ref requested, ordered by entity ref. */
  items: OnboardingBatchItem[];
  /** Items per outcome, and queued items per operation state. */
  counts: {
    requested: number;
    refused: number;
    cancelled: number;
    /** Queued items still waiting or running. */
    pending: number;
    succeeded: number;
    failed: number;
  };
}
