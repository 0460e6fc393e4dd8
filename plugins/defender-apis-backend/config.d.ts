import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the Defender for APIs plugins. */
  defenderApis?: {
    azure?: {
      /**
       * Azure Resource Manager endpoint. Default https://management.azure.com; in development
       * the ARM emulator's URL (https://localhost:8443).
       */
      resourceManagerEndpoint?: string;
      /** How the backend authenticates to Azure. Default: DefaultAzureCredential. */
      credential?: {
        /**
         * `default`: DefaultAzureCredential (workload identity, managed identity, Azure CLI);
         * `clientSecret`: a service principal; `managedIdentity`: a managed identity;
         * `emulator`: a fixed development token, refused unless the endpoint is on localhost.
         */
        type?: 'default' | 'clientSecret' | 'managedIdentity' | 'emulator';
        /** Tenant of the service principal (clientSecret), or default tenant for `default`. */
        tenantId?: string;
        /** Client id of the service principal, or of a user-assigned managed identity. */
        clientId?: string;
        /**
         * Secret of the service principal (clientSecret).
         * @visibility secret
         */
        clientSecret?: string;
      };
      /** Time limit of one request to Azure, including the SDK's retries. Default 60 seconds. */
      requestTimeout?: HumanDuration | string;
      /**
       * Where full refreshes read API collections, assessments and Defender for APIs alerts:
       * `resourceGraph` (a few paged Azure Resource Graph queries per tenant, whatever the number
       * of subscriptions, services and APIs; needs Reader on the subscriptions, as ARM does) or
       * `arm` (three lists per subscription). Default `resourceGraph`. With `resourceGraph`, a tenant whose
       * Resource Graph answers 403 is read through ARM lists, with the reason in the log and in
       * `GET /health`.
       */
      readVia?: 'resourceGraph' | 'arm';
    };
    apiManagement?: {
      /** The API Management services whose APIs catalog entities may map to. */
      services?: Array<{
        /** APIM service name. */
        name: string;
        /** Subscription id (a GUID) of the service. */
        subscriptionId: string;
        /** Resource group of the service. */
        resourceGroup: string;
        /** Tenant of the subscription, when it is not the credential's home tenant. */
        tenantId?: string;
        /**
         * The only owners whose entities may map to this service's APIs: entity refs of groups
         * or users (`group:default/team-payments`, `group:team-payments`). An entity of another
         * owner that names one of its APIs is unmapped, with a reason that says so. Without it,
         * any entity may name any API of the service; entities of different owners naming one
         * API are shown as a conflict.
         */
        allowedOwners?: string[];
      }>;
      /**
       * Subscriptions whose API Management services are found by listing them (one paged ARM
       * call per subscription, again at each refresh) instead of being listed one by one under
       * `services`; each found service is treated as configured, with this entry's `tenantId`
       * and `allowedOwners`. A service also under `services` keeps that entry's settings.
       */
      subscriptions?: Array<{
        /** Subscription id (a GUID). */
        subscriptionId: string;
        /** Tenant of the subscription, when it is not the credential's home tenant. */
        tenantId?: string;
        /** As `services[].allowedOwners`, for every service of the subscription. */
        allowedOwners?: string[];
      }>;
    };
    refresh?: {
      /** How often posture is read from Azure. Default 30 minutes. */
      frequency?: HumanDuration | string;
      /** Time limit of one refresh. Default 10 minutes. */
      timeout?: HumanDuration | string;
      /**
       * APIM services whose API lists a refresh reads from Azure at most, and as many Requests
       * metrics (each read again after 6 hours); the other services' lists and metrics are
       * those earlier refreshes stored, so a refresh's ARM calls stay the same at 500 services
       * as at 20. Services never read are read at once, beyond the cap; then those whose
       * stored list lacks an API an entity names, then the longest unread: each list is read
       * again within ceil(services / maxServiceReads) refreshes. An estate of up to this many
       * services is read whole at every refresh. Default 20.
       */
      maxServiceReads?: number;
    };
    onboarding?: {
      /**
       * Onboarding operations that may run at once per APIM service. Default 1: Microsoft
       * warns that onboarding many APIs at once can overload an APIM instance.
       */
      maxConcurrentPerService?: number;
      /**
       * Single onboarding operations (outside batches) one user may have queued or running at
       * once; more requests answer 429. Counted with the claim under a lock per user, so
       * parallel requests on any replica cannot exceed it. Default 20.
       */
      maxQueuedPerUser?: number;
      /**
       * Onboarding batches (`POST /onboard`) one user may have with operations waiting or
       * running at once; one more answers 429. Counted with the new batch's claims under a
       * lock per user, so parallel requests on any replica cannot exceed it. Default 5.
       */
      maxOpenBatchesPerUser?: number;
      /**
       * Batch operations one user may have waiting or running at once, across their batches; a
       * batch that would exceed it answers 429 and queues nothing. Default 2000.
       */
      maxBatchedPerUser?: number;
      /**
       * Operations of an onboarding batch (`POST /onboard`) start at most this often per APIM
       * service (and at most maxConcurrentPerService at once), as Microsoft advises onboarding
       * gradually. Default 60 seconds. Use the string form (`1m`).
       */
      pace?: HumanDuration | string;
      /**
       * An onboarding still running after this long is marked failed, freeing its service's
       * slot. Default 15m.
       */
      timeout?: HumanDuration | string;
      /**
       * Onboarding batches (`POST /onboard`) whose operations have all ended are deleted this
       * long after they were requested; their operations' outcomes stay on the APIs' postures.
       * Default 30 days. Use the string form (`30d`).
       */
      batchRetention?: HumanDuration | string;
    };
    /**
     * Monthly API call entitlements of the Defender for APIs plans, overriding Microsoft's
     * defaults (P1 1000000, P2 5000000, P3 50000000, P4 100000000, P5 1000000000). Plan fit
     * compares each subscription's API Management `Requests` of the last 30 days with them.
     */
    planEntitlements?: {
      P1?: number;
      P2?: number;
      P3?: number;
      P4?: number;
      P5?: number;
    };
    /**
     * Posture history: one snapshot per API entity and UTC day, written after each refresh
     * and catalog pass, charted by `GET /history`.
     */
    history?: {
      /**
       * Days of history kept, today included; older days are deleted once a day by one
       * replica. Default 90, at most 3650.
       */
      days?: number;
    };
    /**
     * Notifications to the owners of APIs through Backstage's notifications (needs
     * `@backstage/plugin-notifications-backend`; without it the plugin works on and logs that it
     * could not notify). Every kind is on unless switched off here.
     */
    notifications?: {
      /** `false` sends no notification at all. Default true. */
      enabled?: boolean;
      /** A refresh finds a new active high-severity alert on the API. Default true. */
      newHighAlert?: boolean;
      /** The API became at risk. Default true. */
      atRisk?: boolean;
      /** More unauthenticated or sensitive-data endpoints than before. Default true. */
      riskyEndpoints?: boolean;
      /** The API's data could not be read from Azure for longer than staleAfter. Default true. */
      stale?: boolean;
      /** How long data may go without a good read before its owners hear of it. Default 1d. */
      staleAfter?: HumanDuration | string;
      /** An onboarding ended, succeeded or failed (also to whoever asked for it). Default true. */
      onboarding?: boolean;
    };
  };
}
