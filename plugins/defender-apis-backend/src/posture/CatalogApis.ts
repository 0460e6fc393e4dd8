import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  API_ENTITY_FIELDS,
  domainOf,
  SYSTEM_ENTITY_FIELDS,
  systemOf,
} from './mapping';

/** Entities per catalog request: small answers keep both event loops (catalog and ours) free. */
const PAGE = 500;

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

  /** Every API entity the credentials may see, with the fields posture needs. */
  readAll(credentials: BackstageCredentials): Promise<Entity[]> {
    return this.query(API_ENTITY_FIELDS, credentials);
  }

  /** Entity refs of every API entity the credentials may see. */
  async visibleRefs(credentials: BackstageCredentials): Promise<string[]> {
    return (
      await this.query(
        ['kind', 'metadata.namespace', 'metadata.name'],
        credentials,
      )
    ).map(e => stringifyEntityRef(e));
  }

  /** System ref to domain ref, for the systems the entities are part of. */
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
        if (domain) domains.set(systems[i + j], domain);
      });
    }
    return domains;
  }

  private async query(
    fields: string[],
    credentials: BackstageCredentials,
  ): Promise<Entity[]> {
    const entities: Entity[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.catalog.queryEntities(
        cursor
          ? { cursor, limit: PAGE, fields }
          : { filter: { kind: 'API' }, limit: PAGE, fields },
        { credentials },
      );
      entities.push(...page.items);
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
    return entities;
  }
}
