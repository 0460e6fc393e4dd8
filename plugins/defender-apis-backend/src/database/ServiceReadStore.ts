import { Knex } from 'knex';
import { ApimApi } from '../model/azureResources';
import { COLUMN_LENGTHS, columnKey } from './columnKeys';

const SERVICE_READ = 'defender_apis_service_read';

/** An APIM service's API list and SKU as a refresh read them. */
export interface ServiceListing {
  skuName?: string;
  apis: ApimApi[];
  /** When the list was read (ISO time). */
  listedAt: string;
}

/** A service's Requests metric as a refresh read it. */
export interface ServiceTraffic {
  requestsLast30Days: number;
  /** When the metric was read (ISO time). */
  readAt: string;
}

/** What full refreshes last read of one APIM service. */
export interface StoredServiceRead {
  listing?: ServiceListing;
  traffic?: ServiceTraffic;
}

/**
 * What full refreshes last read of each APIM service, by `serviceKey`: a refresh reads a few
 * services and takes the others' lists and metrics from here, whichever replica read them.
 */
export interface ServiceReadStore {
  /** Every stored service's last reads, by `serviceKey`. */
  readAll(): Promise<Map<string, StoredServiceRead>>;
  /** Stores a service's API list, replacing the one before. */
  putListing(serviceKey: string, listing: ServiceListing): Promise<void>;
  /** Stores a service's Requests metric, replacing the one before. */
  putTraffic(serviceKey: string, traffic: ServiceTraffic): Promise<void>;
  /** Forgets every service but these, by `serviceKey`. */
  keepServices(serviceKeys: string[]): Promise<void>;
}

interface ServiceReadRow {
  service_key: string;
  listed_at: string | null;
  listing: string | null;
  requests_last_30_days: number | string | null;
  traffic_read_at: string | null;
}

/** The listing's JSON document: the whole key, as the bounded column may have cut it. */
interface ListingDocument {
  serviceKey: string;
  skuName?: string;
  apis: ApimApi[];
}

/** {@link ServiceReadStore} in the plugin's database: one row per service. */
export class KnexServiceReadStore implements ServiceReadStore {
  constructor(private readonly knex: Knex) {}

  async readAll(): Promise<Map<string, StoredServiceRead>> {
    const rows: ServiceReadRow[] = await this.knex(SERVICE_READ).select();
    const result = new Map<string, StoredServiceRead>();
    for (const row of rows) {
      const listing = listingOf(row);
      const traffic =
        row.requests_last_30_days !== null && row.traffic_read_at
          ? {
              requestsLast30Days: Number(row.requests_last_30_days),
              readAt: row.traffic_read_at,
            }
          : undefined;
      const key = listing?.serviceKey ?? row.service_key;
      result.set(key, {
        ...(listing
          ? {
              listing: {
                ...(listing.skuName ? { skuName: listing.skuName } : {}),
                apis: listing.apis,
                listedAt: row.listed_at!,
              },
            }
          : {}),
        ...(traffic ? { traffic } : {}),
      });
    }
    return result;
  }

  async putListing(serviceKey: string, listing: ServiceListing): Promise<void> {
    const document: ListingDocument = {
      serviceKey,
      ...(listing.skuName ? { skuName: listing.skuName } : {}),
      apis: listing.apis,
    };
    await this.knex(SERVICE_READ)
      .insert({
        service_key: keyColumn(serviceKey),
        listed_at: listing.listedAt,
        // JSON writes control characters (NUL too) as escapes: any Azure text fits a text column.
        listing: JSON.stringify(document),
      })
      .onConflict('service_key')
      .merge(['listed_at', 'listing']);
  }

  async putTraffic(serviceKey: string, traffic: ServiceTraffic): Promise<void> {
    await this.knex(SERVICE_READ)
      .insert({
        service_key: keyColumn(serviceKey),
        requests_last_30_days: traffic.requestsLast30Days,
        traffic_read_at: traffic.readAt,
      })
      .onConflict('service_key')
      .merge(['requests_last_30_days', 'traffic_read_at']);
  }

  async keepServices(serviceKeys: string[]): Promise<void> {
    const kept = new Set(serviceKeys.map(keyColumn));
    const stored: Array<{ service_key: string }> = await this.knex(
      SERVICE_READ,
    ).select('service_key');
    const gone = stored.map(r => r.service_key).filter(k => !kept.has(k));
    for (let i = 0; i < gone.length; i += 500) {
      await this.knex(SERVICE_READ)
        .whereIn('service_key', gone.slice(i, i + 500))
        .delete();
    }
  }
}

function keyColumn(serviceKey: string): string {
  return columnKey(serviceKey, COLUMN_LENGTHS.serviceKey);
}

/**
 * The row's listing, when its document parses and names the key it is stored under: a key
 * Azure made too long to keep apart from another is read again rather than mixed up.
 */
function listingOf(row: ServiceReadRow): ListingDocument | undefined {
  if (!row.listing || !row.listed_at) return undefined;
  try {
    const document = JSON.parse(row.listing) as ListingDocument;
    return keyColumn(document.serviceKey) === row.service_key &&
      Array.isArray(document.apis)
      ? document
      : undefined;
  } catch {
    return undefined;
  }
}
