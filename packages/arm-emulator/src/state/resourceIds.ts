/*
 * ARM resource id builders. Ids keep the scenario's casing; lookups go through `idKey`
 * because ARM compares ids case-insensitively.
 */

/** The key under which an ARM id is stored: ARM ids are case-insensitive. */
export function idKey(id: string): string {
  return id.toLowerCase();
}

/** @public */
export function apimServiceId(
  subscriptionId: string,
  resourceGroup: string,
  serviceName: string,
): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ApiManagement/service/${serviceName}`;
}

/** @public */
export function apimApiId(
  subscriptionId: string,
  resourceGroup: string,
  serviceName: string,
  apiName: string,
): string {
  return `${apimServiceId(
    subscriptionId,
    resourceGroup,
    serviceName,
  )}/apis/${apiName}`;
}

/** @public */
export function apiCollectionId(
  subscriptionId: string,
  resourceGroup: string,
  serviceName: string,
  apiName: string,
): string {
  return `${apimServiceId(
    subscriptionId,
    resourceGroup,
    serviceName,
  )}/providers/Microsoft.Security/apiCollections/${apiName}`;
}
