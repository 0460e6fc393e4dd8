import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { MetricProvider } from '@red-hat-developer-hub/backstage-plugin-scorecard-node';
import {
  Metric,
  MetricType,
  MetricValue,
  ThresholdConfig,
} from '@red-hat-developer-hub/backstage-plugin-scorecard-common';
import { DefenderApisReadings } from './DefenderApisReadings';
import {
  DEFENDER_APIS_DATASOURCE_ID,
  DefenderApisMetricDefinition,
} from './metrics';

/**
 * A scorecard metric provider for one Defender for APIs metric. One provider per metric, not
 * one for all: the scorecard backend keeps thresholds and schedules per provider.
 */
export class DefenderApisMetricProvider<T extends MetricType>
  implements MetricProvider<T>
{
  constructor(
    private readonly definition: DefenderApisMetricDefinition<T>,
    private readonly readings: DefenderApisReadings,
  ) {}

  getProviderDatasourceId(): string {
    return DEFENDER_APIS_DATASOURCE_ID;
  }

  getProviderId(): string {
    return this.definition.metric.id;
  }

  getMetricType(): T {
    return this.definition.metric.type;
  }

  getMetric(): Metric<T> {
    return this.definition.metric;
  }

  getMetricThresholds(): ThresholdConfig {
    return this.definition.thresholds;
  }

  getCatalogFilter(): Record<string, string | symbol | (string | symbol)[]> {
    return this.definition.catalogFilter;
  }

  calculateMetric(entity: Entity): Promise<MetricValue<T>> {
    return this.definition.calculate(stringifyEntityRef(entity), this.readings);
  }
}
