import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogApis } from '../catalog/CatalogApis';
import { PostureStore } from '../database/PostureStore';
import { API_ENTITY_FIELDS } from '../model/mapping';
import { PostureRefresher } from './PostureRefresher';

/** What one pass over the catalog found and did. */
export interface CatalogSyncSummary {
  /** API entities the catalog holds. */
  entities: number;
  /** New and changed entities, read from Azure. */
  changed: number;
  /** Entities a first view read whose claims the pass settled without reading them again. */
  settled: number;
  /** Postures of entities that left the catalog, removed. */
  removed: number;
  /** True when there were too many changes for a pass, left to the full refresh. */
  deferred: boolean;
}

/**
 * A cheap pass over the catalog, run every 45 seconds on one replica: it compares the version
 * of every API entity (a digest of its etag, four small fields per entity) with the versions
 * stored, reads only the new and changed entities at the cost of first views, settles their
 * claims and those of entities a first view read, and removes the postures of entities that
 * left. So a new API shows in lists, the summary and the scorecards within a minute, without a
 * full refresh's Azure reads.
 */
export class CatalogSync {
  constructor(
    private readonly options: {
      auth: AuthService;
      logger: LoggerService;
      catalog: Pick<CatalogApis, 'apiVersions' | 'byRefs' | 'domainsOf'>;
      store: Pick<PostureStore, 'entityVersions' | 'deletePostures'>;
      refresher: Pick<PostureRefresher, 'readChanged' | 'settleClaims'>;
      /**
       * Most entities a pass reads itself; more (a first start, a bulk import) are the full
       * refresh's, whose list reads cost the same for any number of APIs.
       */
      maxChangedPerPass: number;
      /** Asks for the full refresh now. */
      requestFullRefresh: () => void;
    },
  ) {}

  /** One pass; see the class. */
  async pass(): Promise<CatalogSyncSummary> {
    const { auth, catalog, store, refresher, logger } = this.options;
    // Rows written from here on (a first view, a refresh) are newer than this pass.
    const startedAt = new Date().toISOString();
    const credentials = await auth.getOwnServiceCredentials();
    const [inCatalog, stored] = await Promise.all([
      catalog.apiVersions(credentials),
      store.entityVersions(),
    ]);
    const changed: string[] = [];
    const unchecked: string[] = [];
    for (const [ref, version] of inCatalog) {
      const row = stored.get(ref);
      if (!row || row.version !== (version ?? null)) changed.push(ref);
      else if (row.claimPending) unchecked.push(ref);
    }
    // No API entity at all is more likely a catalog outage than every API gone (as in prune).
    const removed =
      inCatalog.size === 0
        ? []
        : [...stored.keys()].filter(ref => !inCatalog.has(ref));
    const summary: CatalogSyncSummary = {
      entities: inCatalog.size,
      changed: changed.length,
      settled: 0,
      removed: 0,
      deferred: changed.length > this.options.maxChangedPerPass,
    };
    if (removed.length > 0)
      summary.removed = await store.deletePostures(removed, startedAt);
    if (summary.deferred) {
      logger.info(
        'More API entities changed than a catalog pass reads; asking for the full refresh',
        { changed: changed.length },
      );
      this.options.requestFullRefresh();
      return summary;
    }
    if (changed.length > 0) {
      const entities = (
        await catalog.byRefs(changed, credentials, API_ENTITY_FIELDS)
      ).filter((e): e is Entity => Boolean(e));
      await refresher.readChanged(
        entities,
        await catalog.domainsOf(entities, credentials),
      );
    }
    // Every API entity of the catalog is now stored at its current version.
    if (unchecked.length > 0) {
      await refresher.settleClaims(unchecked, startedAt);
      summary.settled = unchecked.length;
    }
    return summary;
  }
}
