import { ArmHttpError, armErrors } from '../http/armErrors';
import { ArmRoute } from '../http/routeTable';
import { RouteContext } from '../http/types';
import {
  MetricsWindow,
  intervalMilliseconds,
  renderRequestsMetric,
} from '../resources/monitor';
import { API_VERSIONS } from './apiVersions';
import { findService } from './lookups';

const SERVICE =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ApiManagement/service/{serviceName}';

/** Most points one answer may carry, so that a PT1M query over 30 days is refused, not built. */
const MAX_POINTS = 10_000;

/**
 * Azure Monitor metrics of an API Management service: only its `Requests` metric with the
 * `Total` aggregation, the one Microsoft sums to size a Defender for APIs plan. Anything else
 * is refused with a 400 rather than answered wrongly.
 */
export const metricsRoutes: ArmRoute[] = [
  {
    pattern: `${SERVICE}/providers/Microsoft.Insights/metrics`,
    resourceType: 'Microsoft.Insights/metrics',
    apiVersions: API_VERSIONS.metrics,
    handlers: {
      GET: ctx => {
        const service = findService(ctx);
        checkMetricQuery(ctx);
        return {
          status: 200,
          body: renderRequestsMetric(service, readWindow(ctx)),
        };
      },
    },
  },
];

function refuse(message: string): never {
  throw new ArmHttpError(armErrors.badRequest('BadRequest', message));
}

function checkMetricQuery(ctx: RouteContext): void {
  const names = ctx.query.get('metricnames');
  if (names === null || names.toLowerCase() !== 'requests') {
    refuse(
      `The ARM emulator only serves metricnames=Requests, got '${
        names ?? ''
      }'.`,
    );
  }
  const aggregation = ctx.query.get('aggregation');
  // Total is the primary aggregation of Requests, used when none is asked.
  if (aggregation !== null && aggregation.toLowerCase() !== 'total') {
    refuse(
      `The ARM emulator only serves aggregation=Total, got '${aggregation}'.`,
    );
  }
}

/** `timespan=start/end` (ISO date-times) and `interval` (an ISO duration or `FULL`). */
function readWindow(ctx: RouteContext): MetricsWindow {
  const timespan = ctx.query.get('timespan') ?? '';
  const [startText, endText, ...rest] = timespan.split('/');
  const start = new Date(startText);
  const end = new Date(endText ?? '');
  if (
    rest.length > 0 ||
    isNaN(start.getTime()) ||
    isNaN(end.getTime()) ||
    end <= start
  ) {
    refuse(
      `Invalid timespan '${timespan}': expected 'startDateTime_ISO/endDateTime_ISO' with the end after the start.`,
    );
  }
  const interval = ctx.query.get('interval') ?? '';
  if (interval.toUpperCase() === 'FULL')
    return { start, end, interval: 'FULL' };
  const intervalMs = intervalMilliseconds(interval);
  if (intervalMs === undefined) {
    refuse(
      `The ARM emulator needs interval as an ISO 8601 duration (e.g. P1D) or FULL, got '${interval}'.`,
    );
  }
  if ((end.getTime() - start.getTime()) / intervalMs > MAX_POINTS) {
    refuse(
      `The timespan '${timespan}' holds more than ${MAX_POINTS} points of ${interval}.`,
    );
  }
  return { start, end, intervalMs, interval };
}
