import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ANNOTATION_API_MANAGEMENT_API,
  ApiManagementApiRef,
  MappingIssue,
  NotApplicableCause,
  parseApiManagementAnnotation,
} from '@defender-apis/plugin-defender-apis-common';
import { ConfiguredService } from './configuredService';
import { entityVersionOf } from './entityVersion';

/**
 * The catalog fields of an API entity that lists filter, sort and count on. Computed here
 * only, from the entity as the catalog serves it.
 */
export interface CatalogFacts {
  /** Entity refs of the entity's owners (its `ownedBy` relations). */
  owners: string[];
  title?: string;
  /** Entity ref of the system the API is part of. */
  system?: string;
  /** Entity ref of that system's domain. */
  domain?: string;
  lifecycle?: string;
}

/**
 * The catalog fields {@link mapEntity} reads, for `fields=` of catalog queries. Of the
 * annotations only ours: the catalog resolves a field path through keys that contain dots, and
 * the other annotations (locations, links) would often be most of each entity's bytes.
 */
export const API_ENTITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.etag',
  `metadata.annotations.${ANNOTATION_API_MANAGEMENT_API}`,
  'spec.lifecycle',
  'relations',
];

/** The catalog fields {@link systemOf} and {@link domainOf} read of System entities. */
export const SYSTEM_ENTITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'relations',
];

/** A catalog API entity with its annotation resolved against the configured services. */
export interface MappedEntity {
  entityRef: string;
  catalog: CatalogFacts;
  /** {@link entityVersionOf} the entity read. */
  entityVersion?: string;
  /** Set when the entity maps to an API of a configured service. */
  target?: { ref: ApiManagementApiRef; service: ConfiguredService };
  mappingIssue?: { issue: MappingIssue; reason: string };
  /** Known from the annotation alone, before Azure is read. */
  notApplicable?: { cause: NotApplicableCause; reason: string };
}

/** Entities whose posture depends on Azure: mapped to a configured service and not ruled out. */
export function needsAzure(entity: MappedEntity): boolean {
  return Boolean(entity.target && !entity.notApplicable);
}

/** The key of an APIM service in maps: ARM ids compare case-insensitively. */
export function serviceKey(s: {
  subscriptionId: string;
  resourceGroup: string;
  name?: string;
  serviceName?: string;
}): string {
  return `${s.subscriptionId}/${s.resourceGroup}/${
    s.name ?? s.serviceName
  }`.toLowerCase();
}

/**
 * The configured APIM services, indexed by {@link serviceKey}: mapping each of thousands of
 * entities finds its service with one lookup, not by building every service's key again.
 */
export class ServiceIndex {
  private readonly byKey: ReadonlyMap<string, ConfiguredService>;

  constructor(readonly services: readonly ConfiguredService[]) {
    this.byKey = new Map(services.map(s => [serviceKey(s), s]));
  }

  /** The configured service with the given {@link serviceKey}, if any. */
  get(key: string): ConfiguredService | undefined {
    return this.byKey.get(key);
  }
}

/** Entity refs of an entity's owners. */
export function ownersOf(entity: Entity): string[] {
  return (entity.relations ?? [])
    .filter(r => r.type === RELATION_OWNED_BY)
    .map(r => r.targetRef);
}

function partOf(entity: Entity, kind: string): string | undefined {
  return entity.relations?.find(
    r => r.type === RELATION_PART_OF && r.targetRef.startsWith(`${kind}:`),
  )?.targetRef;
}

/** Entity ref of the system an entity is part of. */
export function systemOf(entity: Entity): string | undefined {
  return partOf(entity, 'system');
}

/** Entity ref of the domain a system entity is part of. */
export function domainOf(system: Entity): string | undefined {
  return partOf(system, 'domain');
}

/**
 * The key of a system in maps of domains: entity refs compare case-insensitively, and a
 * relation may spell a system's ref otherwise than the system entity does.
 */
export function domainKey(systemRef: string): string {
  return systemRef.toLocaleLowerCase('en-US');
}

/**
 * The catalog facts of an API entity; `domains` maps systems (by {@link domainKey}) to their
 * domain refs.
 */
export function catalogFactsOf(
  entity: Entity,
  domains: ReadonlyMap<string, string>,
): CatalogFacts {
  const system = systemOf(entity);
  const domain = system && domains.get(domainKey(system));
  const { title } = entity.metadata;
  const lifecycle = entity.spec?.lifecycle;
  return {
    owners: ownersOf(entity),
    ...(typeof title === 'string' && title ? { title } : {}),
    ...(system ? { system } : {}),
    ...(domain ? { domain } : {}),
    ...(typeof lifecycle === 'string' && lifecycle ? { lifecycle } : {}),
  };
}

/**
 * Resolves an entity's `azure.com/api-management-api` annotation. Only APIs of configured
 * services are read, so an annotation cannot make the backend read an arbitrary subscription.
 */
export function mapEntity(
  entity: Entity,
  services: ServiceIndex,
  domains: ReadonlyMap<string, string> = new Map(),
): MappedEntity {
  const entityVersion = entityVersionOf(entity);
  const base = {
    entityRef: stringifyEntityRef(entity),
    catalog: catalogFactsOf(entity, domains),
    ...(entityVersion ? { entityVersion } : {}),
  };
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
  const parsed = parseApiManagementAnnotation(value, services.services);
  if (!parsed.ok) {
    return {
      ...base,
      mappingIssue: { issue: parsed.issue, reason: parsed.reason },
    };
  }
  const service = services.get(serviceKey(parsed.ref));
  if (!service) {
    return {
      ...base,
      mappingIssue: {
        issue: 'unknownService',
        reason: `API Management service "${parsed.ref.serviceName}" in resource group "${parsed.ref.resourceGroup}" of subscription ${parsed.ref.subscriptionId} is not in defenderApis.apiManagement.services, nor found in a subscription of defenderApis.apiManagement.subscriptions.`,
      },
    };
  }
  const { allowedOwners } = service;
  if (allowedOwners) {
    const namespace = (entity.metadata.namespace ?? 'default').toLowerCase();
    const allowed = base.catalog.owners.filter(owner =>
      allowedOwners.includes(owner.toLowerCase()),
    );
    // Any team may register an entity in its own namespace naming another team as owner: an
    // allowed owner counts only for entities in that owner's namespace.
    if (!allowed.some(owner => namespaceOf(owner) === namespace)) {
      return {
        ...base,
        mappingIssue: {
          issue: 'ownerNotAllowed',
          reason: `Only entities owned by ${allowedOwners.join(
            ', ',
          )}, in the owner's namespace, may map to APIs of API Management service "${
            service.name
          }" (defenderApis.apiManagement.services[].allowedOwners); this entity is owned by ${
            base.catalog.owners.join(', ') || 'no one'
          }${allowed.length > 0 ? ` but is in namespace "${namespace}"` : ''}.`,
        },
      };
    }
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

/** The namespace of an entity ref, lower-cased. */
function namespaceOf(entityRef: string): string {
  return parseEntityRef(entityRef).namespace.toLowerCase();
}
