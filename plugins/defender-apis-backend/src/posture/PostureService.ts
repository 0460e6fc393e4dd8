import { BackstageCredentials, AuthService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ApiPosture,
  POSTURE_STATUSES,
  PostureList,
  PostureStatus,
  PostureSummary,
} from '@defender-apis/plugin-defender-apis-common';
import { DefenderApisStore, toOnboardingState } from '../database/DefenderApisStore';
import { composePosture, StoredPosture } from './buildPosture';
import { PostureRefresher, RefreshSummary } from './PostureRefresher';

const ENTITY_FIELDS = ['kind', 'metadata.name', 'metadata.namespace', 'metadata.annotations', 'relations'];

/** Filters and paging of the posture list. */
export interface PostureListQuery {
  owner?: string;
  status?: PostureStatus;
  offset: number;
  limit: number;
}

function countByStatus(): Record<PostureStatus, number> {
  return Object.fromEntries(POSTURE_STATUSES.map(s => [s, 0])) as Record<PostureStatus, number>;
}

/**
 * Serves posture from the store: page views never wait on Azure, except for an entity whose
 * posture was never read, which is read at once and stored. Entities are always read from
 * the catalog with the caller's credentials, so callers see only what the catalog shows them.
 */
export class PostureService {
  private readonly firstReads = new Map<string, Promise<StoredPosture | undefined>>();

  constructor(
    private readonly options: {
      auth: AuthService;
      catalog: CatalogService;
      store: DefenderApisStore;
      refresher: PostureRefresher;
    },
  ) {}

  /** The entity as the caller may see it; NotFoundError otherwise. */
  async getEntity(entityRef: string, credentials: BackstageCredentials): Promise<Entity> {
    const entity = await this.options.catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    return entity;
  }

  /** Stored facts of the entities, reading those never read before. */
  async storedPostures(entities: Entity[]): Promise<StoredPosture[]> {
    const refs = entities.map(e => stringifyEntityRef(e));
    const stored = new Map((await this.options.store.getPostures(refs)).map(p => [p.entityRef, p]));
    const missing = entities.filter((_, i) => !stored.has(refs[i]));
    if (missing.length > 0) {
      for (const [ref, posture] of await this.readFirstTime(missing)) stored.set(ref, posture);
    }
    return refs.map(ref => stored.get(ref)!);
  }

  /**
   * Reads entities never read before. Concurrent first views of one entity (a page opened
   * by many at once, double clicks) share one read instead of each asking Azure.
   */
  private async readFirstTime(entities: Entity[]): Promise<Map<string, StoredPosture>> {
    const pending = new Map<string, Promise<StoredPosture | undefined>>();
    const toRead: Entity[] = [];
    for (const entity of entities) {
      const ref = stringifyEntityRef(entity);
      const running = this.firstReads.get(ref);
      if (running) pending.set(ref, running);
      else toRead.push(entity);
    }
    if (toRead.length > 0) {
      const batch = this.options.refresher.refresh(toRead).then(r => r.postures);
      for (const entity of toRead) {
        const ref = stringifyEntityRef(entity);
        const one = batch.then(postures => postures.get(ref));
        pending.set(ref, one);
        this.firstReads.set(ref, one);
        // Forget the read once it is stored, whatever its outcome; the store answers from then on.
        one.catch(() => undefined).finally(() => this.firstReads.delete(ref));
      }
    }
    const result = new Map<string, StoredPosture>();
    for (const [ref, promise] of pending) {
      const posture = await promise;
      if (posture) result.set(ref, posture);
    }
    return result;
  }

  /** Posture of stored facts with the current onboarding state of each API. */
  async compose(stored: StoredPosture[]): Promise<ApiPosture[]> {
    const keys = stored.flatMap(s => (s.api ? [s.api.resourceId.toLowerCase()] : []));
    const onboardings = await this.options.store.getOnboardings(keys);
    return stored.map(s => {
      const row = s.api ? onboardings.get(s.api.resourceId.toLowerCase()) : undefined;
      return composePosture(s, row ? toOnboardingState(row) : undefined);
    });
  }

  async getPosture(entity: Entity): Promise<ApiPosture> {
    const [posture] = await this.compose(await this.storedPostures([entity]));
    return posture;
  }

  async listPostures(query: PostureListQuery, credentials: BackstageCredentials): Promise<PostureList> {
    let postures = await this.compose(await this.storedPostures(await this.visibleApis(credentials)));
    if (query.status) postures = postures.filter(p => p.status === query.status);
    if (query.owner) {
      const owner = query.owner.toLowerCase();
      const owned = new Set(
        (await this.options.store.getPostures(postures.map(p => p.entityRef)))
          .filter(s => s.owners.some(o => o.toLowerCase() === owner))
          .map(s => s.entityRef),
      );
      postures = postures.filter(p => owned.has(p.entityRef));
    }
    return {
      items: postures.slice(query.offset, query.offset + query.limit),
      totalItems: postures.length,
      offset: query.offset,
      limit: query.limit,
    };
  }

  async summary(credentials: BackstageCredentials): Promise<PostureSummary> {
    const stored = await this.storedPostures(await this.visibleApis(credentials));
    const postures = await this.compose(stored);
    const summary: PostureSummary = { total: postures.length, byStatus: countByStatus(), byOwner: {} };
    postures.forEach((posture, i) => {
      summary.byStatus[posture.status] += 1;
      for (const owner of stored[i].owners) {
        const entry = (summary.byOwner[owner] ??= { total: 0, byStatus: {} });
        entry.total += 1;
        entry.byStatus[posture.status] = (entry.byStatus[posture.status] ?? 0) + 1;
      }
    });
    return summary;
  }

  /** Refreshes every API entity of the catalog, as the plugin itself. */
  async refreshAll(): Promise<RefreshSummary> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const entities = await this.visibleApis(credentials);
    const { summary } = await this.options.refresher.refresh(entities, { prune: true });
    return summary;
  }

  private async visibleApis(credentials: BackstageCredentials): Promise<Entity[]> {
    const { items } = await this.options.catalog.getEntities(
      { filter: { kind: 'API' }, fields: ENTITY_FIELDS },
      { credentials },
    );
    return items;
  }
}
