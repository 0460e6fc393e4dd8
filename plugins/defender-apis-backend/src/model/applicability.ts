/**
 * Whether Defender for APIs can protect an APIM API, decided from Azure's facts of the API and
 * its service: for mapped entities and for shadow APIs alike.
 */
import { NotApplicableCause } from '@defender-apis/plugin-defender-apis-common';
import { ApimApi } from './azureResources';

/** Why Defender for APIs cannot protect an API. */
export interface NotApplicable {
  cause: NotApplicableCause;
  reason: string;
}

/** API types Defender for APIs does not protect, by lower-cased APIM type. */
const NON_REST_TYPES: Record<string, string> = {
  soap: 'SOAP',
  graphql: 'GraphQL',
  websocket: 'WebSocket',
  grpc: 'gRPC',
  odata: 'OData',
};

/**
 * Why Defender for APIs cannot protect the API (its type, a non-current revision, or its
 * service's Consumption tier), or undefined when it can.
 */
export function notApplicableOf(
  api: Pick<ApimApi, 'apiType' | 'isCurrent'>,
  service: { name: string; skuName?: string },
): NotApplicable | undefined {
  const nonRest = api.apiType
    ? NON_REST_TYPES[api.apiType.toLowerCase()]
    : undefined;
  if (nonRest)
    return {
      cause: 'apiType',
      reason: `This is a ${nonRest} API; Defender for APIs protects REST APIs only.`,
    };
  if (api.isCurrent === false)
    return {
      cause: 'revision',
      reason: `This is a non-current revision of the API; Defender for APIs protects the current revision only.`,
    };
  if (service.skuName?.toLowerCase() === 'consumption')
    return {
      cause: 'consumptionTier',
      reason: `API Management service "${service.name}" is on the Consumption tier, which Defender for APIs does not support.`,
    };
  return undefined;
}

/** The Azure portal's page of an ARM resource. */
export function portalUrl(resourceId: string): string {
  return `https://portal.azure.com/#resource${resourceId}`;
}
