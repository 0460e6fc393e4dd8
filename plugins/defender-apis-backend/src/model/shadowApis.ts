/**
 * Which APIs of a read APIM service are shadow APIs: current APIs no catalog entity maps to,
 * described from Azure's facts alone.
 */
import {
  ShadowApi,
  ShadowApiQuery,
  ShadowApiSortField,
} from '@defender-apis/plugin-defender-apis-common';
import { notApplicableOf, portalUrl } from './applicability';
import { apiKeyOf, ServiceFacts } from './azureFacts';
import { ApiCollection } from './azureResources';
import { claimedApiKey } from './claims';
import { ConfiguredService } from './configuredService';

/** `GET /shadow-apis`'s query as the router resolved it, with defaults. */
export type ResolvedShadowApiQuery = ShadowApiQuery & {
  sort: ShadowApiSortField;
  order: 'asc' | 'desc';
  limit: number;
};

/** The ARM id prefix of a service's APIs, lower-cased. */
function apisPrefixOf(service: ConfiguredService): string {
  return `/subscriptions/${service.subscriptionId}/resourcegroups/${service.resourceGroup}/providers/microsoft.apimanagement/service/${service.name}/apis/`.toLowerCase();
}

/**
 * The shadow APIs of one service: its current APIs (a non-current revision is part of its
 * API) whose {@link claimedApiKey} is not in `claimed`, onboarded when `collections` has
 * their API collection. An API whose ARM id is not below the service is left out: Azure text
 * is not trusted to name another service's API.
 */
export function shadowApisOfService(
  service: ConfiguredService,
  facts: ServiceFacts,
  collections: ReadonlyMap<string, ApiCollection>,
  claimed: ReadonlySet<string>,
  readAt: string,
): ShadowApi[] {
  const prefix = apisPrefixOf(service);
  const result: ShadowApi[] = [];
  for (const api of facts.apis) {
    const id = api.id.toLowerCase();
    if (
      api.isCurrent === false ||
      api.name.includes(';') ||
      !id.startsWith(prefix) ||
      id.slice(prefix.length).includes('/') ||
      claimed.has(claimedApiKey(api.id))
    )
      continue;
    const collection = collections.get(apiKeyOf(api.id) ?? id);
    const notApplicable = notApplicableOf(api, {
      name: service.name,
      skuName: facts.skuName,
    });
    result.push({
      resourceId: api.id,
      subscriptionId: service.subscriptionId,
      resourceGroup: service.resourceGroup,
      serviceName: service.name,
      apiId: api.name,
      ...(api.displayName ? { displayName: api.displayName } : {}),
      ...(api.apiType ? { apiType: api.apiType } : {}),
      onboarded: Boolean(collection),
      ...(collection?.provisioningState
        ? { collectionState: collection.provisioningState }
        : {}),
      applicable: !notApplicable,
      ...(notApplicable ? { notApplicable } : {}),
      portalUrl: portalUrl(api.id),
      readAt,
    });
  }
  return result;
}
