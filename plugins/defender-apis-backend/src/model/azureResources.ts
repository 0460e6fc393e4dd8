/**
 * The Azure resources the model reads, in the shapes the Azure layer delivers them (only the
 * fields the plugin uses). Defined here so that the model depends on no I/O.
 */
import { PlanInfo } from '@defender-apis/plugin-defender-apis-common';
import { ConfiguredService } from './configuredService';

/** An APIM API as listed by its service. */
export interface ApimApi {
  id: string;
  name: string;
  displayName?: string;
  /** Absent means `http`. */
  apiType?: string;
  isCurrent?: boolean;
}

/** A Defender for APIs alert (type `API_…`) of a subscription. */
export interface AzureAlert {
  id: string;
  alertType: string;
  displayName: string;
  severity: string;
  status: string;
  timeGenerated?: string;
  url?: string;
  compromisedEntity?: string;
  /** `azureResourceId`s of the alert's resource identifiers. */
  resourceIds: string[];
}

/** A security assessment on an APIM resource of a subscription. */
export interface AzureAssessment {
  key: string;
  displayName: string;
  resourceId: string;
  statusCode: string;
  severity?: string;
  url?: string;
  /** From the assessment's metadata, when ARM sends it. */
  description?: string;
  /** How to remediate, from the assessment's metadata, when ARM sends it. */
  remediation?: string;
}

/** A Defender CSPM attack path instance, with the ARM ids of the resources on it. */
export interface AzureAttackPath {
  id: string;
  displayName: string;
  riskLevel: string;
  riskCategories: string[];
  entryPoint?: string;
  target?: string;
  /** The path's entities that are Azure resources: name and ARM id. */
  resources: Array<{ name: string; resourceId: string }>;
}

/**
 * A subscription's attack paths as one read found them: known, or why not (Defender CSPM off,
 * Resource Graph refused). Never read "not known" as "none".
 */
export type AttackPathsRead =
  | { available: true; items: AzureAttackPath[] }
  | { available: false; reason: string };

/** One operation (endpoint) of an APIM API, as the card lists it. */
export interface ApimOperation {
  /** The operation id (its ARM name). */
  operationId: string;
  displayName?: string;
  /** HTTP method, e.g. `GET`. */
  method?: string;
  /** URL template relative to the API's path, e.g. `/orders/{orderId}`. */
  urlTemplate?: string;
}

/** An API collection as ARM returns it (only the fields this plugin reads). */
export interface ApiCollection {
  id?: string;
  name?: string;
  provisioningState?: string;
  displayName?: string;
  discoveredVia?: string;
  baseUrl?: string;
  numberOfApiEndpoints?: number;
  numberOfInactiveApiEndpoints?: number;
  numberOfUnauthenticatedApiEndpoints?: number;
  numberOfExternalApiEndpoints?: number;
  numberOfApiEndpointsWithSensitiveDataExposed?: number;
  sensitivityLabel?: string;
}

/**
 * What is read per subscription for any number of its APIs: the plan, the alerts and the
 * assessments (three list calls, whatever the API count). API collections are read apart:
 * listed by a full refresh, read one by one for a first view.
 */
export interface SubscriptionSnapshot {
  subscriptionId: string;
  /** The Defender for APIs plan, and Defender CSPM's API posture and sensitive data discovery. */
  plan: Pick<
    PlanInfo,
    'enabled' | 'subPlan' | 'apiPosture' | 'sensitiveDataDiscovery'
  >;
  alerts: AzureAlert[];
  assessments: AzureAssessment[];
  /** Whether the Defender CSPM plan (`CloudPosture`) is on: attack path analysis needs it. */
  cloudPosture?: boolean;
  /** Attack paths through the subscription's APIs; absent where none were read (first views). */
  attackPaths?: AttackPathsRead;
}

/** Everything read per APIM service in one refresh: the service and its API list. */
export interface ServiceSnapshot {
  service: ConfiguredService;
  skuName?: string;
  apis: ApimApi[];
}

/** The APIM API to onboard. */
export interface OnboardTarget {
  subscriptionId: string;
  resourceGroup: string;
  serviceName: string;
  apiId: string;
  tenantId?: string;
}
