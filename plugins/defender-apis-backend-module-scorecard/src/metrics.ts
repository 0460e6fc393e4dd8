import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  ANNOTATION_API_MANAGEMENT_API,
  coverageRatio,
  isApplicableStatus,
  isOnboardedStatus,
} from '@defender-apis/plugin-defender-apis-common';
import {
  Metric,
  MetricType,
  MetricValue,
  ThresholdConfig,
} from '@red-hat-developer-hub/backstage-plugin-scorecard-common';
import { ApiReading, DefenderApisReadings } from './DefenderApisReadings';

/**
 * The scorecard datasource of the Defender for APIs metrics: their ids start with it, and
 * their thresholds and schedules live under `scorecard.plugins.defenderApis.<metric>`.
 *
 * @public
 */
export const DEFENDER_APIS_DATASOURCE_ID = 'defenderApis';

/**
 * One Defender for APIs scorecard metric: what it is, its default thresholds, the entities it
 * applies to, and how its value follows from the Defender for APIs backend's readings.
 */
export interface DefenderApisMetricDefinition<T extends MetricType> {
  metric: Metric<T>;
  thresholds: ThresholdConfig;
  catalogFilter: Record<string, string | symbol | (string | symbol)[]>;
  /** The value for the entity; throws with the reason when it has none. */
  calculate(
    entityRef: string,
    readings: DefenderApisReadings,
  ): Promise<MetricValue<T>>;
}

/** API entities mapped to API Management: the others have no Defender posture to judge. */
const MAPPED_APIS = {
  kind: 'API',
  [`metadata.annotations.${ANNOTATION_API_MANAGEMENT_API}`]:
    CATALOG_FILTER_EXISTS,
};

/** No count is good, any is bad: the rules cover every number, as the scorecard requires. */
const NONE_IS_GOOD: ThresholdConfig = {
  rules: [
    { key: 'success', expression: '<=0' },
    { key: 'error', expression: '>0' },
  ],
};

/** The posture reading of an API, or an error that says why there is none. */
async function readingOf(
  entityRef: string,
  readings: DefenderApisReadings,
): Promise<ApiReading> {
  const reading = await readings.api(entityRef);
  if (!reading) {
    throw new Error(
      `The Defender for APIs backend has no posture for ${entityRef} yet: it reads new API entities at its next pass over the catalog`,
    );
  }
  return reading;
}

/** Why a reading gives no value, with the backend's reason when it has one. */
function noValue(entityRef: string, reading: ApiReading, what: string): Error {
  return new Error(
    `${entityRef} has no ${what} (status ${reading.status}${
      reading.reason ? `: ${reading.reason}` : ''
    })`,
  );
}

/** Statuses whose onboarding is unknown: the API is contested or Azure could not be read. */
const ONBOARDING_UNKNOWN = ['conflict', 'error'];

/** Whether the API is onboarded to Defender for APIs. */
const onboarded: DefenderApisMetricDefinition<'boolean'> = {
  metric: {
    id: `${DEFENDER_APIS_DATASOURCE_ID}.onboarded`,
    title: 'Defender for APIs: onboarded',
    description:
      'Whether the API Management API of the entity is onboarded to Microsoft Defender for APIs.',
    type: 'boolean',
  },
  thresholds: {
    rules: [
      { key: 'success', expression: '==true' },
      { key: 'error', expression: '==false' },
    ],
  },
  catalogFilter: MAPPED_APIS,
  async calculate(entityRef, readings) {
    const reading = await readingOf(entityRef, readings);
    if (
      !isApplicableStatus(reading.status) ||
      ONBOARDING_UNKNOWN.includes(reading.status)
    ) {
      throw noValue(entityRef, reading, 'known onboarding');
    }
    return isOnboardedStatus(reading.status);
  },
};

/** Endpoints Defender found without authentication. */
const unauthenticatedEndpoints: DefenderApisMetricDefinition<'number'> = {
  metric: {
    id: `${DEFENDER_APIS_DATASOURCE_ID}.unauthenticatedEndpoints`,
    title: 'Defender for APIs: unauthenticated endpoints',
    description:
      'Endpoints of the API that Defender for APIs found callable without authentication.',
    type: 'number',
  },
  thresholds: NONE_IS_GOOD,
  catalogFilter: MAPPED_APIS,
  async calculate(entityRef, readings) {
    const reading = await readingOf(entityRef, readings);
    if (reading.unauthenticatedEndpoints === undefined) {
      throw noValue(entityRef, reading, 'endpoint data from Defender');
    }
    return reading.unauthenticatedEndpoints;
  },
};

/** Active high-severity alerts; only an onboarded API has any to count. */
const activeHighAlerts: DefenderApisMetricDefinition<'number'> = {
  metric: {
    id: `${DEFENDER_APIS_DATASOURCE_ID}.activeHighAlerts`,
    title: 'Defender for APIs: active high-severity alerts',
    description:
      'Active security alerts of high severity that Defender for APIs raised for the API.',
    type: 'number',
  },
  thresholds: NONE_IS_GOOD,
  catalogFilter: MAPPED_APIS,
  async calculate(entityRef, readings) {
    const reading = await readingOf(entityRef, readings);
    // Defender raises no alerts for an API it does not protect: 0 would read as safe.
    if (!isOnboardedStatus(reading.status)) {
      throw noValue(entityRef, reading, 'threat detection');
    }
    return reading.activeHighAlerts;
  },
};

/** Coverage of the APIs a group owns or a system or domain holds, in percent. */
const coverage: DefenderApisMetricDefinition<'number'> = {
  metric: {
    id: `${DEFENDER_APIS_DATASOURCE_ID}.coverage`,
    title: 'Defender for APIs: coverage',
    description:
      'Percentage of the APIs (owned by the group, or in the system or domain) that Defender for APIs applies to and that are onboarded.',
    type: 'number',
  },
  thresholds: {
    rules: [
      { key: 'success', expression: '>=90' },
      { key: 'warning', expression: '50-90' },
      { key: 'error', expression: '<50' },
    ],
  },
  catalogFilter: { kind: ['Group', 'System', 'Domain'] },
  async calculate(entityRef, readings) {
    const counts = await readings.countsOf(entityRef);
    const ratio = counts && coverageRatio(counts);
    if (ratio === undefined) {
      throw new Error(
        `${entityRef} has no APIs that Defender for APIs applies to`,
      );
    }
    return Math.round(ratio * 1000) / 10;
  },
};

/**
 * The Defender for APIs scorecard metrics: `defenderApis.onboarded`,
 * `defenderApis.unauthenticatedEndpoints` and `defenderApis.activeHighAlerts` of API entities
 * mapped to API Management, and `defenderApis.coverage` of groups, systems and domains.
 */
export const DEFENDER_APIS_METRICS = [
  onboarded,
  unauthenticatedEndpoints,
  activeHighAlerts,
  coverage,
] as const;
