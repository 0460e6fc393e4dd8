import { Entity, RELATION_OWNED_BY, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATION_API_MANAGEMENT_API,
  ApiManagementApiRef,
  MappingIssue,
  NotApplicableCause,
  parseApiManagementAnnotation,
} from '@defender-apis/plugin-defender-apis-common';
import { ConfiguredService } from '../config';

/** A catalog API entity with its annotation resolved against the configured services. */
export interface MappedEntity {
  entityRef: string;
  /** Entity refs of the entity's owners (its `ownedBy` relations). */
  owners: string[];
  /** Set when the entity maps to an API of a configured service. */
  target?: { ref: ApiManagementApiRef; service: ConfiguredService };
  mappingIssue?: { issue: MappingIssue; reason: string };
  /** Known from the annotation alone, before Azure is read. */
  notApplicable?: { cause: NotApplicableCause; reason: string };
}

/** The key of an APIM service in maps: ARM ids compare case-insensitively. */
export function serviceKey(s: { subscriptionId: string; resourceGroup: string; name?: string; serviceName?: string }): string {
  return `${s.subscriptionId}/${s.resourceGroup}/${s.name ?? s.serviceName}`.toLowerCase();
}

/** Entity refs of an entity's owners. */
export function ownersOf(entity: Entity): string[] {
  return (entity.relations ?? [])
    .filter(r => r.type === RELATION_OWNED_BY)
    .map(r => r.targetRef);
}

/**
 * Resolves an entity's `azure.com/api-management-api` annotation. Only APIs of configured
 * services are read, so an annotation cannot make the backend read an arbitrary subscription.
 */
export function mapEntity(entity: Entity, services: readonly ConfiguredService[]): MappedEntity {
  const base = { entityRef: stringifyEntityRef(entity), owners: ownersOf(entity) };
  const value = entity.metadata.annotations?.[ANNOTATION_API_MANAGEMENT_API];
  if (value === undefined) {
    return {
      ...base,
      mappingIssue: {
        issue: 'missingAnnotation',
        reason: `The entity has no ${ANNOTATION_API_MANAGEMENT_API} annotation naming its Azure API Management API.`,
      },
    };
  }
  const parsed = parseApiManagementAnnotation(value, services);
  if (!parsed.ok) {
    return { ...base, mappingIssue: { issue: parsed.issue, reason: parsed.reason } };
  }
  const service = services.find(s => serviceKey(s) === serviceKey(parsed.ref));
  if (!service) {
    return {
      ...base,
      mappingIssue: {
        issue: 'unknownService',
        reason: `API Management service "${parsed.ref.serviceName}" in resource group "${parsed.ref.resourceGroup}" of subscription ${parsed.ref.subscriptionId} is not in defenderApis.apiManagement.services.`,
      },
    };
  }
  const target = { ref: parsed.ref, service };
  if (parsed.ref.workspace) {
    return {
      ...base,
      target,
      notApplicable: {
        cause: 'workspace',
        reason: `This API lives in the API Management workspace "${parsed.ref.workspace}"; Defender for APIs does not support workspace APIs.`,
      },
    };
  }
  return { ...base, target };
}
