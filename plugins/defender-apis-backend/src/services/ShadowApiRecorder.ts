import { setImmediate as nextTurn } from 'node:timers/promises';
import { LoggerService } from '@backstage/backend-plugin-api';
import { apiManagementApiResourceId } from '@defender-apis/plugin-defender-apis-common';
import { Outcome } from '../azure/settle';
import { ShadowApiStore } from '../database/ShadowApiStore';
import { ServiceFacts } from '../model/azureFacts';
import { ApiCollection } from '../model/azureResources';
import { claimedApiKey } from '../model/claims';
import { ConfiguredService } from '../model/configuredService';
import { MappedEntity, serviceKey } from '../model/mapping';
import { shadowApisOfService } from '../model/shadowApis';
import { mapInChunks } from '../util/yieldToEventLoop';

/** What a catalog-wide refresh read and mapped, as far as shadow APIs go. */
export interface CatalogWideReads {
  /** Every APIM service the plugin knows, each read by the refresh. */
  services: readonly ConfiguredService[];
  /** Service reads by {@link serviceKey}. */
  serviceReads: ReadonlyMap<string, Outcome<ServiceFacts>>;
  /** API collections by lower-cased subscription id, then by API key. */
  collectionReads: ReadonlyMap<string, Outcome<Map<string, ApiCollection>>>;
  /** Every API entity of the catalog, mapped. */
  mapped: readonly MappedEntity[];
  readAt: string;
}

/**
 * Records the shadow APIs a catalog-wide refresh found: per service, the current APIs no
 * entity of the catalog maps to. A service whose read failed keeps what was recorded before;
 * one whose record the database refuses is logged and skipped, never stopping the refresh.
 * The event loop gets a turn before each service: the refresh's tail must not hold requests.
 */
export class ShadowApiRecorder {
  constructor(
    private readonly options: { store: ShadowApiStore; logger: LoggerService },
  ) {}

  async record(reads: CatalogWideReads): Promise<void> {
    const { store, logger } = this.options;
    const claimed = new Set(
      (
        await mapInChunks(reads.mapped, m =>
          m.target
            ? claimedApiKey(apiManagementApiResourceId(m.target.ref))
            : undefined,
        )
      ).filter(key => key !== undefined),
    );
    for (const service of reads.services) {
      await nextTurn();
      const key = serviceKey(service);
      const ref = {
        key,
        subscriptionId: service.subscriptionId,
        name: service.name,
      };
      const facts = reads.serviceReads.get(key);
      const collections = reads.collectionReads.get(
        service.subscriptionId.toLowerCase(),
      );
      if (!facts || !collections) continue;
      try {
        if (!facts.ok || !collections.ok) {
          await store.recordFailedRead(
            ref,
            facts.ok
              ? (collections as { reason: string }).reason
              : facts.reason,
          );
        } else {
          await store.replaceService(
            ref,
            shadowApisOfService(
              service,
              facts.value,
              collections.value,
              claimed,
              reads.readAt,
            ),
            // A list the refresh took from storage is as old as its read.
            facts.value.listedAt ?? reads.readAt,
          );
        }
      } catch (error) {
        logger.warn(
          'Shadow APIs of an API Management service could not be stored',
          {
            service: service.name,
            reason: error instanceof Error ? error.message : String(error),
          },
        );
      }
    }
    await store.keepServices(reads.services.map(serviceKey));
  }
}
