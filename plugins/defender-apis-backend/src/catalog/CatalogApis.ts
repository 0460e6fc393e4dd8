import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  API_ENTITY_FIELDS,
  domainKey,
  domainOf,
  SYSTEM_ENTITY_FIELDS,
  systemOf,
} from '../model/mapping';
import { entityVersionOf } from '../model/entityVersion';
import { SummaryScope } from '../model/postureQuery';

/** Entities per catalog request: small answers keep both event loops (catalog and ours) free. */
const PAGE = 200;

/** The catalog reads of the plugin: API entities in pages, and the domains of their systems. */
export class CatalogApis {
  constructor(private readonly catalog: CatalogService) {}

  /** One entity, whole (permission rules may look at any field), if the credentials may see it. */
  byRef(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity | undefined> {
    return this.catalog.getEntityByRef(entityRef, { credentials });
  }

  /**
   * Entities by ref as the credentials may see them, in the order asked (undefined where not
   * found or not visible), in pages of the catalog's batch read; only `fields` when given.
   */
  async byRefs(
    entityRefs: string[],
    credentials: BackstageCredentials,
    fields?: string[],
  ): Promise<Array<Entity | undefined>> {
    const entities: Array<Entity | undefined> = [];
    for (let i = 0; i < entityRefs.length; i += PAGE) {
      const { items } = await this.catalog.getEntitiesByRefs(
        { entityRefs: entityRefs.slice(i, i + PAGE), fields },
        { credentials },
      );
      entities.push(...items.map(item => item ?? undefined));
    }
    return entities;
  }

  /**
   * Every API entity the credentials may see, with the fields posture needs, a page at a
   * time: a caller that maps each page as it comes never holds the whole catalog's entities.
   */
  apiPages(credentials: BackstageCredentials): AsyncGenerator<Entity[]> {
    return this.pages('API', API_ENTITY_FIELDS, credentials);
  }

  /**
   * The version ({@link entityVersionOf}) of every API entity the credentials may see, by
   * entity ref: four small fields per entity, so a pass over the whole catalog stays cheap.
   */
  async apiVersions(
    credentials: BackstageCredentials,
  ): Promise<Map<string, string | undefined>> {
    const versions = new Map<string, string | undefined>();
    for await (const page of this.pages(
      'API',
      ['kind', 'metadata.namespace', 'metadata.name', 'metadata.etag'],
      credentials,
    ))
      for (const entity of page)
        versions.set(stringifyEntityRef(entity), entityVersionOf(entity));
    return versions;
  }

  /** Entity refs of every API entity the credentials may see. */
  async visibleRefs(credentials: BackstageCredentials): Promise<string[]> {
    const refs: string[] = [];
    for await (const page of this.pages(
      'API',
      ['kind', 'metadata.namespace', 'metadata.name'],
      credentials,
    ))
      refs.push(...page.map(e => stringifyEntityRef(e)));
    return refs;
  }

  /**
   * Domain ref by {@link domainKey} of system ref, for every system the credentials may see
   * that has a domain: one paged query, however many API entities are part of the systems.
   */
  async allDomains(
    credentials: BackstageCredentials,
  ): Promise<Map<string, string>> {
    const domains = new Map<string, string>();
    for await (const page of this.pages(
      'System',
      SYSTEM_ENTITY_FIELDS,
      credentials,
    )) {
      for (const system of page) {
        const domain = domainOf(system);
        if (domain) domains.set(domainKey(stringifyEntityRef(system)), domain);
      }
    }
    return domains;
  }

  /** Domain ref by {@link domainKey} of system ref, for the systems the entities are part of. */
  async domainsOf(
    entities: Entity[],
    credentials: BackstageCredentials,
  ): Promise<Map<string, string>> {
    const systems = [...new Set(entities.flatMap(e => systemOf(e) ?? []))];
    const domains = new Map<string, string>();
    for (let i = 0; i < systems.length; i += PAGE) {
      const { items } = await this.catalog.getEntitiesByRefs(
        {
          entityRefs: systems.slice(i, i + PAGE),
          fields: SYSTEM_ENTITY_FIELDS,
        },
        { credentials },
      );
      items.forEach((system, j) => {
        const domain = system && domainOf(system);
        if (domain) domains.set(domainKey(systems[i + j]), domain);
      });
    }
    return domains;
  }

  /**
   * How many API entities of the scope (all when empty) the credentials may see, counted by
   * the catalog (one facet count; two reads when domains are given: their systems first).
   */
  async countApis(
    scope: SummaryScope,
    credentials: BackstageCredentials,
  ): Promise<number> {
    const filter: Record<string, string | string[]> = { kind: 'API' };
    // One value as itself: the same filter, and one that in-memory catalogs (tests) AND right.
    const anyOf = (values: string[]) =>
      values.length === 1 ? values[0] : values;
    if (scope.owner?.length) filter['relations.ownedBy'] = anyOf(scope.owner);
    let systems = scope.system;
    if (scope.domain?.length) {
      const inDomains = await this.systemsOf(scope.domain, credentials);
      systems = systems?.length
        ? systems.filter(s => inDomains.has(s.toLowerCase()))
        : [...inDomains];
      if (systems.length === 0) return 0;
    }
    if (systems?.length) filter['relations.partOf'] = anyOf(systems);
    const { facets } = await this.catalog.getEntityFacets(
      { filter, facets: ['kind'] },
      { credentials },
    );
    return (facets.kind ?? []).reduce((sum, { count }) => sum + count, 0);
  }

  /** Refs (lower-cased) of the systems that are part of these domains. */
  private async systemsOf(
    domains: string[],
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    const systems = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await this.catalog.queryEntities(
        cursor
          ? { cursor, limit: PAGE, fields: ['kind', 'metadata'] }
          : {
              filter: { kind: 'System', 'relations.partOf': domains },
              limit: PAGE,
              fields: ['kind', 'metadata'],
              totalItems: 'exclude',
            },
        { credentials },
      );
      for (const system of page.items)
        systems.add(stringifyEntityRef(system).toLowerCase());
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
    return systems;
  }

  private async *pages(
    kind: string,
    fields: string[],
    credentials: BackstageCredentials,
  ): AsyncGenerator<Entity[]> {
    let cursor: string | undefined;
    do {
      const page = await this.catalog.queryEntities(
        cursor
          ? { cursor, limit: PAGE, fields }
          : // No count: on SQLite the catalog counts every match in one synchronous statement.
            { filter: { kind }, limit: PAGE, fields, totalItems: 'exclude' },
        { credentials },
      );
      yield page.items;
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
  }
}
