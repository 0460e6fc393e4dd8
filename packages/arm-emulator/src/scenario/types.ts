/*
 * The scenario is the emulator's whole world: which subscriptions, API Management services and
 * APIs exist, which APIs are onboarded to Defender for APIs, and which alerts, assessments and
 * plan settings Azure would report. It is plain JSON so that demos and tests can ship their own.
 */

/**
 * The API types API Management reports in `properties.type` (absent means `http`).
 * @public
 */
export const API_TYPES = [
  'http',
  'soap',
  'graphql',
  'websocket',
  'grpc',
  'odata',
] as const;

/** @public */
export type ApiType = (typeof API_TYPES)[number];

/**
 * API Management SKU names.
 * @public
 */
export const APIM_SKUS = [
  'Developer',
  'Basic',
  'Standard',
  'Premium',
  'Isolated',
  'Consumption',
  'BasicV2',
  'StandardV2',
  'PremiumV2',
] as const;

/** @public */
export type ApimSku = (typeof APIM_SKUS)[number];

/** @public */
export const ALERT_SEVERITIES = [
  'High',
  'Medium',
  'Low',
  'Informational',
] as const;

/** @public */
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** @public */
export const ALERT_STATUSES = [
  'Active',
  'InProgress',
  'Resolved',
  'Dismissed',
] as const;

/** @public */
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** @public */
export const ASSESSMENT_STATUS_CODES = [
  'Healthy',
  'Unhealthy',
  'NotApplicable',
] as const;

/** @public */
export type AssessmentStatusCode = (typeof ASSESSMENT_STATUS_CODES)[number];

/** @public */
export const PRICING_TIERS = ['Free', 'Standard'] as const;

/** @public */
export type PricingTier = (typeof PRICING_TIERS)[number];

/**
 * A complete emulator scenario.
 * @public
 */
export interface Scenario {
  /** Short name, shown by `/_admin/health`. */
  name: string;
  description?: string;
  subscriptions: ScenarioSubscription[];
}

/**
 * One Azure subscription with its Defender plans, API Management services, alerts and
 * assessments.
 * @public
 */
export interface ScenarioSubscription {
  /** The subscription GUID. */
  subscriptionId: string;
  displayName: string;
  /**
   * The Microsoft Entra tenant the subscription belongs to, when it is not the home tenant.
   * Requests to it must carry a token of that tenant (its `tid` claim); requests to
   * subscriptions without one must carry a token without a `tid` (the home tenant).
   */
  tenantId?: string;
  /** `Microsoft.Security/pricings` of the subscription; the Defender for APIs plan is `Api`. */
  pricings: ScenarioPricing[];
  services: ScenarioApimService[];
  alerts?: ScenarioAlert[];
  assessments?: ScenarioAssessment[];
  /** Defender CSPM's attack paths, served only through Azure Resource Graph. */
  attackPaths?: ScenarioAttackPath[];
}

/**
 * A Defender for Cloud plan setting (`Microsoft.Security/pricings/{name}`).
 * @public
 */
export interface ScenarioPricing {
  /** Plan name, e.g. `Api` or `VirtualMachines`. */
  name: string;
  pricingTier: PricingTier;
  /** For `Api`: `P1`..`P5`. */
  subPlan?: string;
  /** ISO 8601 duration; defaults to `PT0S` (Standard) or `P30D` (Free). */
  freeTrialRemainingTime?: string;
  /** ISO date-time the plan was enabled; only reported for Standard. */
  enablementTime?: string;
  /**
   * The plan's extensions (api-version 2023-01-01 and later), e.g. `ApiPosture` and
   * `SensitiveDataDiscovery` of the Defender CSPM plan (`CloudPosture`).
   */
  extensions?: ScenarioPricingExtension[];
}

/**
 * An extension of a plan, as `properties.extensions[]` of a pricing reports it.
 * @public
 */
export interface ScenarioPricingExtension {
  /** Extension name, e.g. `ApiPosture`. */
  name: string;
  isEnabled: boolean;
}

/**
 * An API Management service (`Microsoft.ApiManagement/service`).
 * @public
 */
export interface ScenarioApimService {
  name: string;
  resourceGroup: string;
  sku: ApimSku;
  /** Defaults to 0 for Consumption, 1 otherwise. */
  skuCapacity?: number;
  /** Azure region, e.g. `westeurope`. */
  location: string;
  publisherEmail?: string;
  publisherName?: string;
  /**
   * Total of the service's Azure Monitor `Requests` metric over the last 30 days, which Microsoft
   * sums per subscription to pick a Defender for APIs plan. Defaults to 0. The metrics route
   * spreads it evenly over the days of the asked timespan.
   */
  requestsLast30Days?: number;
  apis: ScenarioApi[];
}

/**
 * An API of an API Management service, and its Defender for APIs state.
 * @public
 */
export interface ScenarioApi {
  /** The API id as in its ARM name, e.g. `payments-api` or `payments-api;rev=2`. */
  name: string;
  displayName: string;
  /** Public path under the gateway, e.g. `payments`. */
  path: string;
  /** Absent means `http` and `properties.type` is then left out, as API Management does. */
  apiType?: ApiType;
  serviceUrl?: string;
  /** Defaults to `["https"]`. */
  protocols?: string[];
  /** Defaults to true. */
  isCurrent?: boolean;
  /** Defaults to `"1"`. */
  apiRevision?: string;
  description?: string;
  /** Present when the API is onboarded to Defender for APIs at scenario start. */
  collection?: ScenarioCollection;
  /** How onboarding (PUT of the apiCollection) behaves for this API. */
  onboarding?: ScenarioOnboarding;
  /** The API's operations (`GET {api}/operations`); none when absent. */
  operations?: ScenarioOperation[];
}

/**
 * One operation of an API Management API, as `Microsoft.ApiManagement/service/apis/operations`
 * answers it.
 * @public
 */
export interface ScenarioOperation {
  /** The operation id (its ARM name), e.g. `create-order`. */
  name: string;
  displayName: string;
  /** HTTP method, e.g. `POST`. */
  method: string;
  /** URL template relative to the API's path, e.g. `/orders/{orderId}`. */
  urlTemplate: string;
}

/**
 * The counts Defender for APIs reports for an onboarded API (`Microsoft.Security/apiCollections`).
 * All zero means "awaiting data" (first insights take 30-50 minutes in Azure).
 * @public
 */
export interface ScenarioCollection {
  numberOfApiEndpoints: number;
  numberOfUnauthenticatedApiEndpoints: number;
  numberOfInactiveApiEndpoints: number;
  numberOfExternalApiEndpoints: number;
  numberOfApiEndpointsWithSensitiveDataExposed: number;
  /** Absent when no sensitive data was found; the property is then left out. */
  sensitivityLabel?: string;
  /** Defaults to `https://{service}.azure-api.net/{path}`. */
  baseUrl?: string;
}

/**
 * Onboarding behaviour of one API.
 * @public
 */
export interface ScenarioOnboarding {
  /** Counts the collection shows once onboarding succeeded; default all zero (awaiting data). */
  collectionAfterOnboarding?: ScenarioCollection;
  /** When present, onboarding fails with this ARM error. */
  failure?: ScenarioOnboardingFailure;
}

/**
 * An onboarding failure.
 * @public
 */
export interface ScenarioOnboardingFailure {
  /** HTTP status of the failing answer, 400-599. */
  status: number;
  code: string;
  message: string;
  /**
   * `poll` (default): the PUT is accepted (201) and the operation-results poll ends with the
   * error. `request`: the PUT itself is answered with the error.
   */
  phase?: 'poll' | 'request';
}

/**
 * A Defender for Cloud security alert (`Microsoft.Security/locations/alerts`).
 * @public
 */
export interface ScenarioAlert {
  /** Alert name (its ARM name and `systemAlertId`). */
  name: string;
  /** Defender for APIs alert types start with `API_`. */
  alertType: string;
  alertDisplayName: string;
  description?: string;
  severity: AlertSeverity;
  status: AlertStatus;
  /** Absolute time the alert was generated; use this or `minutesAgo`. */
  timeGeneratedUtc?: string;
  /** Time the alert was generated, relative to when the scenario is (re)loaded. */
  minutesAgo?: number;
  /** Resource group in the alert id; defaults to the first service's resource group. */
  resourceGroup?: string;
  /** Region in the alert id; defaults to the first service's location. */
  location?: string;
  compromisedEntity?: string;
  /** Each becomes a `resourceIdentifiers` entry of type `AzureResource`. */
  azureResourceIds?: string[];
  intent?: string;
  remediationSteps?: string[];
}

/**
 * An instance of a Defender CSPM attack path (`microsoft.security/attackpaths` in Resource
 * Graph's `securityresources`): a chain of entities from an entry point to a target.
 * @public
 */
export interface ScenarioAttackPath {
  /** The instance's name (a GUID in Azure). */
  name: string;
  /** The attack path's title, e.g. `Internet exposed API with unauthenticated access to sensitive data`. */
  displayName: string;
  description?: string;
  riskLevel: AttackPathRiskLevel;
  /** E.g. `Exposure`, `Data exfiltration`. */
  riskCategories: string[];
  /** The path's entities, entry point first and target last (at least two). */
  entities: ScenarioAttackPathEntity[];
}

/** @public */
export type AttackPathRiskLevel = 'Critical' | 'High' | 'Medium' | 'Low';

/**
 * One entity of an attack path.
 * @public
 */
export interface ScenarioAttackPathEntity {
  /** Display name, e.g. `Internet` or `GET /orders/{id}`. */
  name: string;
  /** The cloud security graph's entity type, e.g. `apimanagementoperation`, `storageaccount`. */
  type: string;
  /** The entity's ARM id, when it is an Azure resource (an APIM operation: `.../apis/{api}/operations/{op}`). */
  azureResourceId?: string;
}

/**
 * A Defender for Cloud assessment (recommendation result) on a resource.
 * @public
 */
export interface ScenarioAssessment {
  /** The assessment key (GUID), which is the assessment's ARM name. */
  name: string;
  displayName: string;
  /** Assessed resource: an APIM API id or one of its operations (`.../apis/{api}/operations/{op}`). */
  resourceId: string;
  status: ScenarioAssessmentStatus;
  /** The recommendation's metadata (`properties.metadata`); left out when absent. */
  metadata?: ScenarioAssessmentMetadata;
}

/** @public */
export interface ScenarioAssessmentMetadata {
  severity?: 'Low' | 'Medium' | 'High';
  description?: string;
  remediationDescription?: string;
}

/** @public */
export interface ScenarioAssessmentStatus {
  code: AssessmentStatusCode;
  cause?: string;
  description?: string;
}
