import { LoggerService } from '@backstage/backend-plugin-api';
import { DefenderAzureApi } from '../azure/DefenderAzureClient';
import { describeAzureError } from '../azure/describeAzureError';
import {
  ConfiguredService,
  ConfiguredSubscription,
} from '../model/configuredService';
import { serviceKey } from '../model/mapping';
import { SharedReads } from '../util/SharedReads';

/**
 * The APIM services the plugin reads: those configured one by one
 * (`defenderApis.apiManagement.services`) and those found in the configured subscriptions
 * (`defenderApis.apiManagement.subscriptions`), which it lists at most once per `listIntervalMs`
 * on each replica (one paged ARM call per subscription, whatever the number of APIs). A
 * subscription whose list fails keeps the services it listed last, so a failed list never makes
 * mapped APIs look unmapped; the failure is logged.
 */
export class ServiceDirectory {
  private readonly lists: SharedReads<ConfiguredService[]>;
  /** What each subscription listed last, kept through failed lists. */
  private readonly lastListed = new Map<string, ConfiguredService[]>();

  constructor(
    private readonly options: {
      configured: readonly ConfiguredService[];
      subscriptions: readonly ConfiguredSubscription[];
      azure: Pick<DefenderAzureApi, 'listServices'>;
      logger: LoggerService;
      listIntervalMs: number;
    },
  ) {
    // A failed list is remembered for half a minute: a burst of first views asks Azure once.
    this.lists = new SharedReads(options.listIntervalMs, {
      failureTtlMs: 30_000,
    });
  }

  /** The configured services, then the listed ones not configured already. */
  async services(): Promise<readonly ConfiguredService[]> {
    const { configured, subscriptions } = this.options;
    if (subscriptions.length === 0) return configured;
    const listed = await Promise.all(subscriptions.map(s => this.listed(s)));
    const known = new Set(configured.map(serviceKey));
    const services = [...configured];
    for (const service of listed.flat()) {
      const key = serviceKey(service);
      if (known.has(key)) continue;
      known.add(key);
      services.push(service);
    }
    return services;
  }

  private async listed(
    subscription: ConfiguredSubscription,
  ): Promise<ConfiguredService[]> {
    const key = subscription.subscriptionId.toLowerCase();
    try {
      const services = await this.lists.get(key, () =>
        this.options.azure.listServices(subscription).catch(error => {
          // Logged by the read, not by each caller sharing it.
          this.options.logger.warn(
            'Could not list the API Management services of a subscription; keeping those listed before',
            {
              subscriptionId: subscription.subscriptionId,
              reason: describeAzureError(
                error,
                `the API Management services of subscription ${subscription.subscriptionId}`,
              ),
            },
          );
          throw error;
        }),
      );
      this.lastListed.set(key, services);
      return services;
    } catch {
      return this.lastListed.get(key) ?? [];
    }
  }
}
