/**
 * Defender for APIs' security data from Azure Resource Graph's `securityresources` table: the
 * API collections, the assessments on APIM resources and the Defender for APIs alerts of many
 * subscriptions in a few paged queries, where ARM needs three lists per subscription; and
 * Defender CSPM's attack paths, which only Resource Graph serves.
 *
 * The query texts are fixed: subscription ids travel in the request's `subscriptions` scope,
 * and no catalog or Azure text is ever written into a query.
 */
import type { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApiCollection,
  AzureAlert,
  AzureAttackPath,
  AzureAssessment,
} from '../model/azureResources';
import { chunksOf } from '../util/yieldToEventLoop';
import {
  alertOf,
  apiCollectionOf,
  assessmentOf,
  attackPathOf,
} from './armListItems';

/** The columns every query projects: what the list items' mappers read. */
const COLUMNS = '| project id, name, type, subscriptionId, properties';
/**
 * Rows of one APIM service packed into one: a query answers as many rows as there are
 * services, not APIs, so its pages do not grow with the APIs. Grouped by the id's eighth
 * segment (`…/Microsoft.ApiManagement/service/{service}/…`; an alert's is its location, so
 * alerts group by resource group and location); the group columns are strings, so Resource
 * Graph can page the answer.
 */
const BY_SERVICE =
  "| extend service = tolower(tostring(split(id, '/')[8])) | summarize items = make_list(pack('id', id, 'name', name, 'type', type, 'properties', properties)) by subscriptionId, resourceGroup, service | order by subscriptionId asc, resourceGroup asc, service asc";

/**
 * The queries, fixed text. `order by id` keeps paging stable while the table changes.
 * @internal
 */
export const SECURITY_QUERIES = {
  collections: `securityresources | where type =~ 'microsoft.security/apicollections' ${BY_SERVICE}`,
  assessments: `securityresources | where type =~ 'microsoft.security/assessments' | where id contains '/providers/microsoft.apimanagement/service/' ${BY_SERVICE}`,
  alerts: `securityresources | where type =~ 'microsoft.security/locations/alerts' | where properties.alertType startswith 'API_' ${BY_SERVICE}`,
  attackPaths: `securityresources | where type =~ 'microsoft.security/attackpaths' ${COLUMNS} | order by id asc`,
} as const;

/** Azure's limit of subscriptions in one query's scope. */
export const SUBSCRIPTIONS_PER_QUERY = 1000;
/** Rows per page: Azure's largest `$top`. */
const ROWS_PER_PAGE = 1000;
/** Grouped rows (one per service, each with its APIs' rows) per page: pages stay small. */
const GROUPS_PER_PAGE = 100;
/** The longest wait for Resource Graph's quota to reset that the reader accepts. */
const LONGEST_QUOTA_WAIT_MS = 60_000;

/** The security data of one subscription, as read from Resource Graph. */
export interface SubscriptionSecurityData {
  collections: ApiCollection[];
  assessments: AzureAssessment[];
  alerts: AzureAlert[];
}

/** One page of a query's answer (checked: Azure text is untrusted). */
interface GraphPage {
  rows: Array<Record<string, unknown>>;
  skipToken?: string;
}

function graphPageOf(page: {
  data?: unknown;
  skipToken?: unknown;
  resultTruncated?: unknown;
  count?: unknown;
  totalRecords?: unknown;
}): GraphPage {
  if (!Array.isArray(page.data)) {
    throw new Error(
      `Azure Resource Graph answered without a 'data' array (found ${typeof page.data}); expected the objectArray result format`,
    );
  }
  const token = page.skipToken;
  if (
    String(page.resultTruncated).toLowerCase() === 'true' &&
    (typeof token !== 'string' || token === '')
  ) {
    // Rows would be missing without a word: a partial answer is a failed read.
    throw new Error(
      `Azure Resource Graph truncated its answer (${String(
        page.count,
      )} of ${String(
        page.totalRecords,
      )} rows) without a skip token to page the rest; expected a paged answer`,
    );
  }
  return {
    rows: page.data.filter(
      (r): r is Record<string, unknown> => r !== null && typeof r === 'object',
    ),
    ...(typeof token === 'string' && token !== '' ? { skipToken: token } : {}),
  };
}

/** `hh:mm:ss` (or `d.hh:mm:ss`) as Resource Graph writes its quota reset, in milliseconds. */
export function parseQuotaResetsAfter(value: string | undefined): number {
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(
    value ?? '',
  );
  if (!match) return 0;
  const [, days, hours, minutes, seconds] = match.map(Number);
  return ((((days || 0) * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
}

/**
 * Reads {@link SubscriptionSecurityData} for subscriptions of one tenant through one
 * `ResourceGraphClient` (the SDK's pipeline: auth, retries on 429 and 5xx with Retry-After).
 * Between pages it honours Resource Graph's quota headers: when no query is left in the
 * window, the next waits until the window resets.
 */
export class ResourceGraphSecurityReader {
  private quotaResetsAt = 0;

  constructor(
    private readonly client: Pick<ResourceGraphClient, 'resources'>,
    private readonly callOptions: () => { abortSignal?: AbortSignal },
  ) {}

  /** The security data of each subscription, by lower-cased id; every one named has an entry. */
  async read(
    subscriptionIds: readonly string[],
  ): Promise<Map<string, SubscriptionSecurityData>> {
    const result = new Map<string, SubscriptionSecurityData>(
      subscriptionIds.map(id => [
        id.toLowerCase(),
        { collections: [], assessments: [], alerts: [] },
      ]),
    );
    const of = (row: Record<string, unknown>) =>
      typeof row.subscriptionId === 'string'
        ? result.get(row.subscriptionId.toLowerCase())
        : undefined;
    for await (const scope of chunksOf(
      [...result.keys()],
      SUBSCRIPTIONS_PER_QUERY,
    )) {
      // One query at a time: Resource Graph's quota is per principal, not per query.
      await this.forEachGroupedRow(SECURITY_QUERIES.collections, scope, row => {
        const collection = apiCollectionOf(row);
        if (collection) of(row)?.collections.push(collection);
      });
      await this.forEachGroupedRow(SECURITY_QUERIES.assessments, scope, row => {
        const data = of(row);
        const assessment =
          data && assessmentOf(row, String(row.subscriptionId));
        if (assessment) data.assessments.push(assessment);
      });
      await this.forEachGroupedRow(SECURITY_QUERIES.alerts, scope, row => {
        const alert = alertOf(row);
        if (alert) of(row)?.alerts.push(alert);
      });
    }
    return result;
  }

  /**
   * Every attack path of the subscriptions (one paged query per 1,000): those through an API
   * are picked by the caller, by the ARM ids of their entities.
   */
  async readAttackPaths(
    subscriptionIds: readonly string[],
  ): Promise<AzureAttackPath[]> {
    const paths: AzureAttackPath[] = [];
    const ids = [...new Set(subscriptionIds.map(id => id.toLowerCase()))];
    for await (const scope of chunksOf(ids, SUBSCRIPTIONS_PER_QUERY)) {
      await this.forEachRow(SECURITY_QUERIES.attackPaths, scope, row => {
        const path = attackPathOf(row);
        if (path) paths.push(path);
      });
    }
    return paths;
  }

  /**
   * Visits the rows packed in each group row of a {@link BY_SERVICE} query, each with its
   * group's subscription.
   */
  private async forEachGroupedRow(
    query: string,
    subscriptions: string[],
    visit: (row: Record<string, unknown>) => void,
  ): Promise<void> {
    await this.forEachRow(
      query,
      subscriptions,
      group => {
        if (!Array.isArray(group.items)) return;
        for (const item of group.items) {
          if (item !== null && typeof item === 'object')
            visit({ ...item, subscriptionId: group.subscriptionId });
        }
      },
      GROUPS_PER_PAGE,
    );
  }

  private async forEachRow(
    query: string,
    subscriptions: string[],
    visit: (row: Record<string, unknown>) => void,
    rowsPerPage = ROWS_PER_PAGE,
  ): Promise<void> {
    let skipToken: string | undefined;
    do {
      await this.waitForQuota();
      const answer = await this.client.resources(
        {
          query,
          subscriptions,
          options: {
            top: rowsPerPage,
            resultFormat: 'objectArray',
            ...(skipToken ? { skipToken } : {}),
          },
        },
        {
          ...this.callOptions(),
          onResponse: response => this.noteQuota(response.headers),
        },
      );
      const page = graphPageOf(answer);
      page.rows.forEach(visit);
      skipToken = page.skipToken;
    } while (skipToken);
  }

  private noteQuota(headers: { get(name: string): string | undefined }) {
    const remaining = headers.get('x-ms-user-quota-remaining');
    if (remaining === undefined || Number(remaining) > 0) return;
    const waitMs = Math.min(
      parseQuotaResetsAfter(headers.get('x-ms-user-quota-resets-after')),
      LONGEST_QUOTA_WAIT_MS,
    );
    this.quotaResetsAt = Date.now() + waitMs;
  }

  private async waitForQuota(): Promise<void> {
    const waitMs = this.quotaResetsAt - Date.now();
    if (waitMs > 0) await sleep(waitMs);
  }
}
