import { ApiManagementServiceConfig } from '@defender-apis/plugin-defender-apis-common';

/** A configured APIM service, with the tenant of its subscription if not the default. */
export interface ConfiguredService extends ApiManagementServiceConfig {
  tenantId?: string;
  /**
   * When set, only entities owned by one of these (lower-cased full entity refs of groups or
   * users) may map to the service's APIs.
   */
  allowedOwners?: string[];
}

/**
 * A configured subscription whose APIM services are discovered (listed at each refresh): they
 * are treated like configured services, with the subscription's tenant and allowed owners.
 */
export interface ConfiguredSubscription {
  subscriptionId: string;
  tenantId?: string;
  /** As {@link ConfiguredService.allowedOwners}, for every service found in the subscription. */
  allowedOwners?: string[];
}
