import { LoggerService } from '@backstage/backend-plugin-api';
import { isRestError } from '@azure/core-rest-pipeline';
import { DefenderAzureApi } from '../azure/DefenderAzureClient';
import { describeAzureError } from '../azure/describeAzureError';
import { Outcome, settle } from '../azure/settle';
import { SubscriptionSecurityData } from '../azure/resourceGraph';
import {
  ApiCollection,
  AttackPathsRead,
  AzureAttackPath,
  SubscriptionSnapshot,
} from '../model/azureResources';
import { apiKeyOf } from '../model/azureFacts';
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
 * query Resource Graph), the refresh reads that tenant through ARM and says why. Either way,
 * the attack paths of the subscriptions with Defender CSPM on come from one more Resource
 * Graph query per tenant: Azure serves them nowhere else.
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
    const result: SubscriptionBulkResult =
      this.readVia === 'arm'
        ? {
            ...(await this.readViaArm(subscriptions, listed)),
            readVia: 'arm',
          }
        : await this.readViaGraph(subscriptions, listed);
    await this.addAttackPaths(result.snapshots, listed);
    return result;
  }

  private async readViaGraph(
    subscriptions: SubscriptionScope,
    listed: SubscriptionScope,
  ): Promise<SubscriptionBulkResult> {
    const result: SubscriptionBulkResult = {
      snapshots: new Map(),
      collections: new Map(),
      readVia: 'resourceGraph',
    };
    await Promise.all(
      byTenant(listed.keys(), listed).map(async ({ tenantId, ids }) => {
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
   * Reads the attack paths of the subscriptions whose Defender CSPM plan is on (one Resource
   * Graph query per tenant, whatever the read path of the rest) into their snapshots: those
   * through the subscription's APIs, or why they are not known.
   */
  private async addAttackPaths(
    snapshots: Map<string, Outcome<SubscriptionSnapshot>>,
    tenants: SubscriptionScope,
  ): Promise<void> {
    const withCspm = [...snapshots]
      .filter(([, snapshot]) => snapshot.ok && snapshot.value.cloudPosture)
      .map(([id]) => id);
    const reads = new Map<string, Outcome<AzureAttackPath[]>>();
    await Promise.all(
      byTenant(withCspm, tenants).map(async ({ tenantId, ids }) => {
        reads.set(
          tenantKey(tenantId),
          await settle(
            this.azure.readAttackPaths(ids, tenantId),
            `the attack paths of tenant ${
              tenantId ?? 'home'
            } (Azure Resource Graph)`,
          ),
        );
      }),
    );
    for (const [id, snapshot] of snapshots) {
      if (!snapshot.ok) continue;
      const read = reads.get(tenantKey(tenants.get(id)));
      snapshot.value.attackPaths = attackPathsOfSubscription(
        id,
        snapshot.value.cloudPosture === true,
        read,
      );
    }
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
    const [security, planReads] = await Promise.all([
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
    for (const [id, plans] of planReads) {
      result.snapshots.set(
        id,
        plans.ok
          ? {
              ok: true,
              value: snapshotOf(id, plans.value, security.value.get(id)),
            }
          : plans,
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
  plans: Pick<SubscriptionSnapshot, 'plan' | 'cloudPosture'>,
  data: SubscriptionSecurityData | undefined,
): SubscriptionSnapshot {
  return {
    subscriptionId,
    ...plans,
    alerts: data?.alerts ?? [],
    assessments: data?.assessments ?? [],
  };
}

function tenantKey(tenantId: string | undefined): string {
  return (tenantId ?? '').toLowerCase();
}

/** The subscriptions grouped by the tenant each answers in. */
function byTenant(
  ids: Iterable<string>,
  tenants: SubscriptionScope,
): Array<{ tenantId?: string; ids: string[] }> {
  const groups = new Map<string, { tenantId?: string; ids: string[] }>();
  for (const id of ids) {
    const tenantId = tenants.get(id);
    const group = groups.get(tenantKey(tenantId)) ?? { tenantId, ids: [] };
    group.ids.push(id);
    groups.set(tenantKey(tenantId), group);
  }
  return [...groups.values()];
}

/** A subscription's attack paths: those through its APIs, or why they are not known. */
function attackPathsOfSubscription(
  subscriptionId: string,
  cloudPosture: boolean,
  read: Outcome<AzureAttackPath[]> | undefined,
): AttackPathsRead {
  if (!cloudPosture) {
    return {
      available: false,
      reason: `Defender CSPM is off in subscription ${subscriptionId}: attack path analysis needs it.`,
    };
  }
  if (!read?.ok) {
    return {
      available: false,
      reason: read?.reason ?? 'The attack paths were not read.',
    };
  }
  const prefix = `/subscriptions/${subscriptionId.toLowerCase()}/`;
  return {
    available: true,
    items: read.value.filter(path =>
      path.resources.some(r => apiKeyOf(r.resourceId)?.startsWith(prefix)),
    ),
  };
}
