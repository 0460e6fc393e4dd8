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
   * found or not visible), in pages of the catalog's batch read.
   */
  async byRefs(
    entityRefs: string[],
    credentials: BackstageCredentials,
  ): Promise<Array<Entity | undefined>> {
    const entities: Array<Entity | undefined> = [];
    for (let i = 0; i < entityRefs.length; i += PAGE) {
      const { items } = await this.catalog.getEntitiesByRefs(
        { entityRefs: entityRefs.slice(i, i + PAGE) },
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
