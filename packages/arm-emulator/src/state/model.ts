import {
  ScenarioApi,
  ScenarioApimService,
  ScenarioCollection,
  ScenarioOnboardingFailure,
  ScenarioSubscription,
} from '../scenario/types';

/** A subscription of the loaded scenario. */
export interface SubscriptionEntry {
  scenario: ScenarioSubscription;
  services: ServiceEntry[];
}

/** An API Management service, with its ARM id in the scenario's casing. */
export interface ServiceEntry {
  subscription: ScenarioSubscription;
  scenario: ScenarioApimService;
  id: string;
  apis: ApiEntry[];
}

/** An API Management API, with its ARM id and its apiCollection id. */
export interface ApiEntry {
  service: ServiceEntry;
  scenario: ScenarioApi;
  id: string;
  collectionId: string;
}

/** The Defender for APIs collection of an onboarded (or onboarding) API. */
export interface CollectionEntry {
  api: ApiEntry;
  provisioningState: 'InProgress' | 'Succeeded';
  counts: ScenarioCollection;
  /** The onboarding operation while `InProgress`. */
  operationId?: string;
}

/** An onboarding long-running operation, polled through its operation-results URL. */
export interface OperationEntry {
  id: string;
  api: ApiEntry;
  /** Polls still to be answered with 202 before the outcome is revealed. */
  pollsLeft: number;
  failure?: ScenarioOnboardingFailure;
  /** Set once the operation has finished. */
  result?: 'succeeded' | 'failed';
}

/** What a poll of an operation-results URL finds. */
export type PollOutcome =
  | { kind: 'running'; operation: OperationEntry }
  | {
      kind: 'succeeded';
      operation: OperationEntry;
      collection: CollectionEntry;
    }
  | {
      kind: 'failed';
      operation: OperationEntry;
      failure: ScenarioOnboardingFailure;
    };

/** What a PUT of an apiCollection leads to. */
export type OnboardOutcome =
  | { kind: 'started'; operation: OperationEntry; collection: CollectionEntry }
  | {
      kind: 'inProgress';
      operation: OperationEntry;
      collection: CollectionEntry;
    }
  | { kind: 'alreadyOnboarded'; collection: CollectionEntry }
  | { kind: 'rejected'; failure: ScenarioOnboardingFailure };

/** All counts zero: Defender for APIs has not reported insights yet ("awaiting data"). */
export const AWAITING_DATA: ScenarioCollection = {
  numberOfApiEndpoints: 0,
  numberOfUnauthenticatedApiEndpoints: 0,
  numberOfInactiveApiEndpoints: 0,
  numberOfExternalApiEndpoints: 0,
  numberOfApiEndpointsWithSensitiveDataExposed: 0,
};
