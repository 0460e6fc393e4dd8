import { LoggerService } from '@backstage/backend-plugin-api';
import { isRestError } from '@azure/core-rest-pipeline';
import { DefenderAzureApi } from '../azure/DefenderAzureClient';
import { describeAzureError } from '../azure/describeAzureError';
import { Outcome, settle } from '../azure/settle';
import { SubscriptionSecurityData } from '../azure/resourceGraph';
import { ApiCollection, SubscriptionSnapshot } from '../model/azureResources';
import { ReadVia } from '../model/readVia';

/** Subscriptions by lower-cased id, with the tenant each answers in (none: the home tenant). */
export type SubscriptionScope = ReadonlyMap<string, string | undefined>;

/** What a full refresh read of its subscriptions, each read settled. */
export interface SubscriptionBulkResult {
  /** Plan, alerts and assessments of each subscription in scope. */
  snapshots: Map<string, Outcome<SubscriptionSnapshot>>;
  /** API collections of each listed subscription. */
  collections: Map<string, Outcome<ApiCollection[]>>;
  /** Where the security data came from: Resource Graph, or ARM's lists. */
  readVia: ReadVia;
  /** Why ARM's lists were read though Resource Graph was configured. */
  fallbackReason?: string;
}

/**
 * The bulk reads of a full refresh's subscriptions. With Azure Resource Graph, the security
 * data of every subscription comes from a few paged queries per tenant and only the plans are
 * read per subscription; with ARM, three lists per subscription and its collections. When
 * Resource Graph answers 403 (the principal may read Defender for Cloud through ARM but not
 * query Resource Graph), the refresh reads that tenant through ARM and says why.
 */
export class SubscriptionBulkReads {
  constructor(
    private readonly azure: DefenderAzureApi,
    private readonly readVia: ReadVia,
    private readonly logger: LoggerService,
  ) {}

  /**
   * Reads `subscriptions` (their snapshots and collections) and `listed` (collections only,
   * a superset of `subscriptions` when every service is read).
   */
  async read(
    subscriptions: SubscriptionScope,
    listed: SubscriptionScope,
  ): Promise<SubscriptionBulkResult> {
    if (this.readVia === 'arm') {
      return {
        ...(await this.readViaArm(subscriptions, listed)),
        readVia: 'arm',
      };
    }
    const byTenant = new Map<string, { tenantId?: string; ids: string[] }>();
    for (const [id, tenantId] of listed) {
      const key = (tenantId ?? '').toLowerCase();
      const group = byTenant.get(key) ?? { tenantId, ids: [] };
      group.ids.push(id);
      byTenant.set(key, group);
    }
    const result: SubscriptionBulkResult = {
      snapshots: new Map(),
      collections: new Map(),
      readVia: 'resourceGraph',
    };
    await Promise.all(
      [...byTenant.values()].map(async ({ tenantId, ids }) => {
        const inScope = (scope: SubscriptionScope) =>
          new Map([...scope].filter(([id]) => ids.includes(id)));
        const fallback = await this.readTenant(
          tenantId,
          ids,
          inScope(subscriptions),
          result,
        );
        if (fallback === undefined) return;
        const arm = await this.readViaArm(
          inScope(subscriptions),
          inScope(listed),
        );
        arm.snapshots.forEach((o, id) => result.snapshots.set(id, o));
        arm.collections.forEach((o, id) => result.collections.set(id, o));
        result.readVia = 'arm';
        result.fallbackReason = fallback;
      }),
    );
    return result;
  }

  /**
   * Reads one tenant's subscriptions through Resource Graph into `result`; the reason to read
   * them through ARM instead when Resource Graph refused the principal.
   */
  private async readTenant(
    tenantId: string | undefined,
    ids: string[],
    subscriptions: SubscriptionScope,
    result: SubscriptionBulkResult,
  ): Promise<string | undefined> {
    const [security, plans] = await Promise.all([
      this.azure.readSecurityData(ids, tenantId).then(
        value => ({ ok: true as const, value }),
        error => ({ ok: false as const, error }),
      ),
      Promise.all(
        [...subscriptions].map(
          async ([id]) =>
            [
              id,
              await settle(
                this.azure.readPlan(id, tenantId),
                `the Defender plans of subscription ${id}`,
              ),
            ] as const,
        ),
      ),
    ]);
    if (!security.ok) {
      const reason = describeAzureError(
        security.error,
        `Azure Resource Graph (tenant ${tenantId ?? 'home'})`,
      );
      if (isRestError(security.error) && security.error.statusCode === 403) {
        this.logger.warn(
          'Azure Resource Graph refused the query; reading Defender for Cloud through ARM lists instead',
          { reason },
        );
        return reason;
      }
      for (const id of ids) {
        result.collections.set(id, { ok: false, reason });
        if (subscriptions.has(id))
          result.snapshots.set(id, { ok: false, reason });
      }
      return undefined;
    }
    for (const id of ids) {
      const data = security.value.get(id);
      result.collections.set(id, { ok: true, value: data?.collections ?? [] });
    }
    for (const [id, plan] of plans) {
      result.snapshots.set(
        id,
        plan.ok
          ? {
              ok: true,
              value: snapshotOf(id, plan.value, security.value.get(id)),
            }
          : plan,
      );
    }
    return undefined;
  }

  private async readViaArm(
    subscriptions: SubscriptionScope,
    listed: SubscriptionScope,
  ): Promise<Omit<SubscriptionBulkResult, 'readVia'>> {
    const [snapshots, collections] = await Promise.all([
      Promise.all(
        [...subscriptions].map(
          async ([id, tenantId]) =>
            [
              id,
              await settle(
                this.azure.readSubscription(id, tenantId),
                `subscription ${id}`,
              ),
            ] as const,
        ),
      ),
      Promise.all(
        [...listed].map(
          async ([id, tenantId]) =>
            [
              id,
              await settle(
                this.azure.listCollections(id, tenantId),
                `the API collections of subscription ${id}`,
              ),
            ] as const,
        ),
      ),
    ]);
    return { snapshots: new Map(snapshots), collections: new Map(collections) };
  }
}

function snapshotOf(
  subscriptionId: string,
  plan: SubscriptionSnapshot['plan'],
  data: SubscriptionSecurityData | undefined,
): SubscriptionSnapshot {
  return {
    subscriptionId,
    plan,
    alerts: data?.alerts ?? [],
    assessments: data?.assessments ?? [],
  };
}
