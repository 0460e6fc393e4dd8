import {
  AuthService,
  DiscoveryService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  DefenderApisApi,
  DefenderApisClient,
  DefenderApisRequestOptions,
  postureListPages,
  ShadowApi,
  shadowApiEntity,
  ShadowApiIdentity,
  shadowApiEntityName,
} from '@defender-apis/plugin-defender-apis-common';
import { ShadowApiEntitiesSettings } from './config';

/** The name of the provider, and the location its entities are managed by. */
export const PROVIDER_NAME = 'defender-apis-shadow-apis';
const LOCATION = `defender-apis:${PROVIDER_NAME}`;
const DEFENDER_APIS_PLUGIN_ID = 'defender-apis';
const PAGE = 500;
/** Longest catalog entity name. */
const MAX_ENTITY_NAME = 63;

/**
 * The name of the entity the provider registers for a shadow API: `shadow-` before the name a
 * claim snippet would use, so that a team registering the snippet never collides with it.
 */
export function providedEntityName(api: ShadowApiIdentity): string {
  const name = `shadow-${shadowApiEntityName(api)}`;
  return name.length <= MAX_ENTITY_NAME
    ? name
    : name.slice(0, MAX_ENTITY_NAME).replace(/[-_.]+$/, '');
}

/**
 * Registers the shadow APIs of chosen APIM services as API entities of a configured owner, so
 * that they get a Defender for APIs card and count in the governance page.
 *
 * Each run reads `GET /shadow-apis` of the Defender for APIs backend for the services, and
 * keeps the entities it registered before whose API only they claim: once the backend maps
 * such an entity the API is no longer a shadow API, and dropping the entity would make it one
 * again. An entity it registered is dropped when another owner's entity claims the same API
 * (the backend reports a conflict) or the API is gone from Azure; the team's own entity then
 * holds the API alone.
 *
 * @public
 */
export class ShadowApiEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly client: DefenderApisApi;

  constructor(
    private readonly options: {
      settings: ShadowApiEntitiesSettings;
      auth: AuthService;
      discovery: DiscoveryService;
      logger: LoggerService;
      scheduler: SchedulerService;
      /** The backend's client; default: over HTTP, found through discovery. */
      client?: DefenderApisApi;
    },
  ) {
    this.client =
      options.client ??
      new DefenderApisClient({ discoveryApi: options.discovery });
  }

  /** {@inheritDoc @backstage/plugin-catalog-node#EntityProvider.getProviderName} */
  getProviderName(): string {
    return PROVIDER_NAME;
  }

  /** Keeps the connection and schedules the runs (one replica at a time). */
  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.scheduler.scheduleTask({
      id: `${PROVIDER_NAME}-refresh`,
      scope: 'global',
      frequency: this.options.settings.frequency,
      timeout: { minutes: 5 },
      initialDelay: { seconds: 30 },
      fn: () => this.run(),
    });
  }

  /** Reads the shadow APIs and registers them, replacing what the provider registered before. */
  async run(): Promise<void> {
    if (!this.connection) {
      throw new Error(`${PROVIDER_NAME} is not connected to the catalog`);
    }
    const { logger } = this.options;
    const [shadow, kept] = await Promise.all([
      this.shadowApis(),
      this.entitiesToKeep(),
    ]);
    const entities = new Map<string, Entity>();
    for (const api of shadow) {
      const entity = this.entityOf(api);
      entities.set(entity.metadata.name, entity);
    }
    for (const entity of kept) entities.set(entity.metadata.name, entity);
    await this.connection.applyMutation({
      type: 'full',
      entities: [...entities.values()].map(entity => ({
        entity,
        locationKey: PROVIDER_NAME,
      })),
    });
    logger.info('Registered shadow APIs as catalog entities', {
      shadowApis: shadow.length,
      kept: kept.length,
      entities: entities.size,
    });
  }

  private requestOptions = async (): Promise<DefenderApisRequestOptions> =>
    this.options.auth.getPluginRequestToken({
      onBehalfOf: await this.options.auth.getOwnServiceCredentials(),
      targetPluginId: DEFENDER_APIS_PLUGIN_ID,
    });

  /** Every shadow API of the chosen services, all pages. */
  private async shadowApis(): Promise<ShadowApi[]> {
    const apis: ShadowApi[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await this.client.listShadowApis(
        { service: this.options.settings.services, limit: PAGE, cursor },
        await this.requestOptions(),
      );
      apis.push(...page.items);
      cursor = page.nextCursor;
      // A backend that answers a cursor it gave before would loop forever.
      if (cursor && seen.has(cursor)) break;
      if (cursor) seen.add(cursor);
    } while (cursor);
    return apis;
  }

  /**
   * The entities the provider registered before that still claim their API alone: postures of
   * the owner's entities in the namespace whose name is the provider's name for their API,
   * neither in conflict nor unmapped.
   */
  private async entitiesToKeep(): Promise<Entity[]> {
    const { owner, namespace, services } = this.options.settings;
    const kept: Entity[] = [];
    for await (const page of postureListPages(this.client, {
      query: { owner: [owner] },
      requestOptions: this.requestOptions,
    })) {
      for (const posture of page.items) {
        const { api } = posture;
        if (
          !api ||
          posture.status === 'conflict' ||
          posture.status === 'unmapped' ||
          !services.includes(api.serviceName.toLowerCase())
        )
          continue;
        if (
          posture.entityRef.toLowerCase() ===
          `api:${namespace}/${providedEntityName(api)}`.toLowerCase()
        )
          kept.push(this.entityOf(api));
      }
    }
    return kept;
  }

  private entityOf(api: ShadowApiIdentity): Entity {
    const { owner, lifecycle, namespace } = this.options.settings;
    const entity = shadowApiEntity(api, { owner, lifecycle, namespace });
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        name: providedEntityName(api),
        namespace,
        description: `Registered by the Defender for APIs shadow API provider: API Management service ${api.serviceName} publishes this API and no other catalog entity maps to it. Register your own entity for it to take it over.`,
        annotations: {
          ...entity.metadata.annotations,
          [ANNOTATION_LOCATION]: LOCATION,
          [ANNOTATION_ORIGIN_LOCATION]: LOCATION,
        },
      },
    };
  }
}
