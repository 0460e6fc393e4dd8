import { Entity } from '@backstage/catalog-model';
import { createHash } from 'node:crypto';

/**
 * The version of a catalog entity as the plugin stores it: a digest of the `etag` the catalog
 * gives each revision of an entity (fixed length, whatever a catalog module puts there), or
 * undefined when the catalog gave none.
 */
export function entityVersionOf(entity: Entity): string | undefined {
  const etag = entity.metadata.etag;
  return etag ? createHash('sha1').update(etag).digest('hex') : undefined;
}
