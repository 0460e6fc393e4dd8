import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ApiPosture,
  PostureList,
  PostureSummary,
} from '@defender-apis/plugin-defender-apis-common';
import { PostureStore, SUMMARY_TTL_MS } from '../database/PostureStore';
import {
  isWholeCatalog,
  ResolvedListQuery,
  SummaryScope,
  Visibility,
} from '../model/postureQuery';
import { SharedReads } from '../util/SharedReads';
import { withVisibleConflicts } from '../model/claims';
import { CallerDecisions } from '../permissions/CallerDecisions';
import { CatalogApis } from '../catalog/CatalogApis';
import { EarlyPass } from './EarlyPass';
import { CatalogPassSchedule } from './CatalogPassSchedule';
import { PostureRefresher, RefreshSummary } from './PostureRefresher';

/** What a visibility check reads of an entity: enough for its ref. */
const ENTITY_REF_FIELDS = ['kind', 'metadata.namespace', 'metadata.name'];

/**
 * Serves posture from the store: page views never wait on Azure, except for an entity whose
 * posture was never read, which is read at once (sharing Azure reads) and stored. Callers see
 * only what the catalog shows them.
 */
export class PostureService {
  private readonly firstReads = new Map<string, Promise<ApiPosture>>();
  private readonly catalogCounts = new SharedReads<number>(SUMMARY_TTL_MS);

  constructor(
    private readonly options: {
      auth: AuthService;
      decisions: CallerDecisions;
      catalog: CatalogApis;
      store: PostureStore;
      refresher: PostureRefresher;
      /** Asked whenever a view meets a claim no catalog-wide read has checked yet. */
      earlyPass?: Pick<EarlyPass, 'request'>;
      /** When the pending APIs of an answer will be read. */
      passSchedule?: Pick<CatalogPassSchedule, 'nextPassAt'>;
    },
  ) {}

  /**
   * The entity as the caller may see it, read from the catalog now; NotFoundError otherwise.
   * The caller's decision on catalog reads says how: DENY sees nothing; a conditional one is
   * the catalog's to apply, so the entity is read with the caller's credentials; when the
   * caller may read every entity, it is read as the plugin. The catalog answers the same
   * entity, but a service caller spares it the on-behalf-of token and the round trip to the
   * permission backend it makes for a user (a card then costs about what the catalog's own
   * by-name route does).
   */
  async getEntity(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const { catalogRead } = await this.options.decisions.get(credentials);
    const entity =
      catalogRead.result === AuthorizeResult.DENY
        ? undefined
        : await this.options.catalog.byRef(
            entityRef,
            catalogRead.result === AuthorizeResult.ALLOW
              ? await this.options.auth.getOwnServiceCredentials()
              : credentials,
          );
    if (!entity)
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    return entity;
  }

  /**
   * The entity and its posture for a caller: one catalog read (which, with the caller's
   * decision on catalog reads, is the visibility check) and one store read, side by side.
   */
  async getEntityPosture(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<{ entity: Entity; posture: ApiPosture }> {
    const [entity, stored] = await Promise.all([
      this.getEntity(entityRef, credentials),
      this.options.store.getApiPosture(entityRef),
    ]);
    const posture = stored ?? (await this.readFirstTime(entity));
    if (posture.claimPending) this.options.earlyPass?.request();
    return { entity, posture: await this.seenBy(posture, credentials) };
  }

  /**
   * The posture as the caller may read it: a conflict names only the other entities the
   * caller may see and counts the rest. A caller who may read every entity (an unconditional
   * ALLOW, the common case) costs nothing more; a conditional one costs a catalog read of the
   * other entities, as the caller.
   */
  async seenBy(
    posture: ApiPosture,
    credentials: BackstageCredentials,
  ): Promise<ApiPosture> {
    const others = posture.conflictWith;
    if (!others?.length) return posture;
    const { catalogRead } = await this.options.decisions.get(credentials);
    if (catalogRead.result === AuthorizeResult.ALLOW) return posture;
    const visible =
      catalogRead.result === AuthorizeResult.DENY
        ? []
        : await this.options.catalog.byRefs(
            others,
            credentials,
            ENTITY_REF_FIELDS,
          );
    const seen = new Set(
      visible.flatMap(e => (e ? [stringifyEntityRef(e).toLowerCase()] : [])),
    );
    return withVisibleConflicts(posture, ref => seen.has(ref.toLowerCase()));
  }

  /** The stored posture of an entity, reading it if it never was. */
  async getPosture(entity: Entity): Promise<ApiPosture> {
    const stored = await this.options.store.getApiPosture(
      stringifyEntityRef(entity),
    );
    return stored ?? this.readFirstTime(entity);
  }

  /** Reads an entity's posture again now (after an onboarding, or on a retried request). */
  async reread(entity: Entity): Promise<ApiPosture> {
    const entityRef = stringifyEntityRef(entity);
    await this.options.refresher.readFirstTime(
      [entity],
      await this.domainsOf([entity]),
    );
    return (await this.options.store.getApiPosture(entityRef))!;
  }

  /**
   * Stores an entity's posture after its API was offboarded: the collection is known to be
   * gone, the rest is read as for a first view.
   */
  async afterOffboarding(entity: Entity): Promise<ApiPosture> {
    await this.options.refresher.readFirstTime(
      [entity],
      await this.domainsOf([entity]),
      { offboarded: true },
    );
    return (await this.options.store.getApiPosture(
      stringifyEntityRef(entity),
    ))!;
  }

  /**
   * One page of the postures the caller may see, with `pending`: the API entities of the
   * query's owners, systems and domains no catalog-wide read has checked yet (no page has them).
   */
  async listPostures(
    query: ResolvedListQuery,
    credentials: BackstageCredentials,
  ): Promise<PostureList> {
    const { store } = this.options;
    const visibility = await this.visibility(credentials);
    const scope = {
      owner: query.owner,
      system: query.system,
      domain: query.domain,
    };
    // Without other filters the page's total is the scope's count already.
    const narrowed = Boolean(
      query.status || query.lifecycle?.length || query.q,
    );
    const [page, inCatalog, counted] = await Promise.all([
      store.listPostures(query, visibility),
      this.countInCatalog(visibility, scope, credentials),
      narrowed ? store.countPostures(scope, visibility) : undefined,
    ]);
    // A conflict names only the entities the caller may see: those of `visibility`.
    const seen = visibility.all
      ? undefined
      : new Set(visibility.entityRefs.map(ref => ref.toLowerCase()));
    return {
      ...page,
      items: seen
        ? page.items.map(p =>
            withVisibleConflicts(p, ref => seen.has(ref.toLowerCase())),
          )
        : page.items,
      ...(await this.completeness(inCatalog, counted ?? page.totalItems)),
    };
  }

  /**
   * Counts of the APIs in `scope` (all when empty) the caller may see, and how many of them
   * are `pending`: API entities of the catalog no catalog-wide read has checked yet (not
   * stored, or stored with their claim pending), which no count includes yet.
   */
  async summary(
    credentials: BackstageCredentials,
    scope: SummaryScope = {},
  ): Promise<PostureSummary> {
    const visibility = await this.visibility(credentials);
    const [summary, inCatalog] = await Promise.all([
      this.options.store.summarize(visibility, scope),
      this.countInCatalog(visibility, scope, credentials),
    ]);
    return {
      ...summary,
      ...(await this.completeness(inCatalog, summary.total)),
    };
  }

  /**
   * The catalog's count of the API entities of the scope the caller sees; everything's count,
   * the common case, shared by all callers for a few seconds like the summary itself.
   */
  private async countInCatalog(
    visibility: Visibility,
    scope: SummaryScope,
    credentials: BackstageCredentials,
  ): Promise<number> {
    const { auth, catalog } = this.options;
    if (!visibility.all && visibility.entityRefs.length === 0) return 0;
    if (!visibility.all) return catalog.countApis(scope, credentials);
    const count = async () =>
      catalog.countApis(scope, await auth.getOwnServiceCredentials());
    return isWholeCatalog(scope)
      ? this.catalogCounts.get('all', count)
      : count();
  }

  /**
   * How many API entities of the catalog an answer leaves out (`pending`), from the catalog's
   * count and the checked postures counted, and when they will be read; entities that left
   * the catalog stay counted until a pass removes them, so it never goes below 0.
   */
  private async completeness(
    inCatalog: number,
    counted: number,
  ): Promise<{ pending: number; complete: boolean; nextReadAt?: string }> {
    const pending = Math.max(0, inCatalog - counted);
    if (pending === 0) return { pending, complete: true };
    const nextReadAt = await this.options.passSchedule?.nextPassAt();
    return { pending, complete: false, ...(nextReadAt ? { nextReadAt } : {}) };
  }

  /** Refreshes every API entity of the catalog, as the plugin itself. */
  async refreshAll(): Promise<RefreshSummary> {
    const { auth, catalog, refresher } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    return refresher.refresh(catalog.apiPages(credentials), {
      prune: true,
      domains: await catalog.allDomains(credentials),
    });
  }

  /**
   * Reads an entity never read before. Concurrent first views of one entity (a page opened
   * by many at once, double clicks) share one read.
   */
  private readFirstTime(entity: Entity): Promise<ApiPosture> {
    const entityRef = stringifyEntityRef(entity);
    let read = this.firstReads.get(entityRef);
    if (!read) {
      read = this.reread(entity);
      this.firstReads.set(entityRef, read);
      // Forget the read once it is stored, whatever its outcome; the store answers from then on.
      read
        .catch(() => undefined)
        .finally(() => this.firstReads.delete(entityRef));
    }
    return read;
  }

  private async domainsOf(entities: Entity[]): Promise<Map<string, string>> {
    return this.options.catalog.domainsOf(
      entities,
      await this.options.auth.getOwnServiceCredentials(),
    );
  }

  /**
   * What the caller may see, from the caller's decision on catalog reads: an unconditional
   * ALLOW (the common case) needs no catalog call; a conditional one is resolved by the
   * catalog into the visible API entity refs; DENY shows nothing.
   */
  async visibility(credentials: BackstageCredentials): Promise<Visibility> {
    const { catalogRead: decision } = await this.options.decisions.get(
      credentials,
    );
    if (decision.result === AuthorizeResult.ALLOW) return { all: true };
    if (decision.result === AuthorizeResult.DENY)
      return { all: false, entityRefs: [] };
    return {
      all: false,
      entityRefs: await this.options.catalog.visibleRefs(credentials),
    };
  }
}
