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
  /** New entities, changed ones and those whose claim waits for a check. */
  changed: number;
  /** Postures of entities that left the catalog, removed. */
  removed: number;
  /** True when there were too many changes for a pass, left to the full refresh. */
  deferred: boolean;
}

/**
 * A cheap pass over the catalog, run every minute on one replica: it compares the version of
 * every API entity (a digest of its etag, four small fields per entity) with the versions
 * stored, reads only the new and changed entities at the cost of first views, settles their
 * claims and removes the postures of entities that left. So a new API shows in lists, the
 * summary and the scorecards within a minute, without a full refresh's Azure reads.
 */
export class CatalogSync {
  constructor(
    private readonly options: {
      auth: AuthService;
      logger: LoggerService;
      catalog: Pick<CatalogApis, 'apiVersions' | 'byRefs' | 'domainsOf'>;
      store: Pick<PostureStore, 'entityVersions' | 'deletePostures'>;
      refresher: Pick<PostureRefresher, 'readChanged'>;
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
    const changed = [...inCatalog]
      .filter(([ref, version]) => {
        const row = stored.get(ref);
        return !row || row.claimPending || row.version !== (version ?? null);
      })
      .map(([ref]) => ref);
    // No API entity at all is more likely a catalog outage than every API gone (as in prune).
    const removed =
      inCatalog.size === 0
        ? []
        : [...stored.keys()].filter(ref => !inCatalog.has(ref));
    const summary: CatalogSyncSummary = {
      entities: inCatalog.size,
      changed: changed.length,
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
    if (changed.length === 0) return summary;
    const entities = (
      await catalog.byRefs(changed, credentials, API_ENTITY_FIELDS)
    ).filter((e): e is Entity => Boolean(e));
    await refresher.readChanged(
      entities,
      await catalog.domainsOf(entities, credentials),
    );
    return summary;
  }
}
