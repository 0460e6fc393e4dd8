import { ServiceEntry } from '../state/model';

/*
 * Azure Monitor metrics (`Microsoft.Insights/metrics`) of an API Management service, shaped like
 * the azure-rest-api-specs Metrics_List answer (`Response` of the metrics API): one metric with
 * one time series of `{ timeStamp, total }` points.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
/** The scenario's `requestsLast30Days` is spread evenly over these 30 days. */
const SCENARIO_SPAN_MS = 30 * DAY_MS;

/** The window of a metrics query: its bounds and the length of one point (undefined: FULL). */
export interface MetricsWindow {
  start: Date;
  end: Date;
  intervalMs?: number;
  /** The interval as asked, echoed in the answer (e.g. `P1D`, `FULL`). */
  interval: string;
}

/**
 * Requests of the service between two instants after `start`: the scenario's 30-day total spread
 * evenly, rounded so that consecutive buckets add up exactly (30 days give the total back).
 */
function requestsBetween(
  service: ServiceEntry,
  fromMs: number,
  toMs: number,
): number {
  const total = service.scenario.requestsLast30Days ?? 0;
  const upTo = (ms: number) => Math.floor((total * ms) / SCENARIO_SPAN_MS);
  return upTo(toMs) - upTo(fromMs);
}

/** `GET {serviceId}/providers/Microsoft.Insights/metrics?metricnames=Requests&aggregation=Total` */
export function renderRequestsMetric(
  service: ServiceEntry,
  window: MetricsWindow,
): object {
  const startMs = window.start.getTime();
  const spanMs = window.end.getTime() - startMs;
  const step = window.intervalMs ?? spanMs;
  const data: Array<{ timeStamp: string; total: number }> = [];
  for (let offset = 0; offset < spanMs; offset += step) {
    data.push({
      timeStamp: isoSeconds(new Date(startMs + offset)),
      total: requestsBetween(service, offset, Math.min(offset + step, spanMs)),
    });
  }
  return {
    cost: 0,
    timespan: `${isoSeconds(window.start)}/${isoSeconds(window.end)}`,
    interval: window.interval,
    value: [
      {
        id: `${service.id}/providers/Microsoft.Insights/metrics/Requests`,
        type: 'Microsoft.Insights/metrics',
        name: { value: 'Requests', localizedValue: 'Requests' },
        displayDescription: 'Gateway request metrics with multiple dimensions',
        unit: 'Count',
        timeseries: [{ metadatavalues: [], data }],
        errorCode: 'Success',
      },
    ],
    namespace: 'Microsoft.ApiManagement/service',
    resourceregion: service.scenario.location,
  };
}

/** `2024-05-01T00:00:00Z`, as Azure Monitor writes times. */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Length in milliseconds of the intervals the emulator serves; undefined for others. */
export function intervalMilliseconds(interval: string): number | undefined {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/i.exec(interval);
  if (!match || interval.length < 3 || /T$/i.test(interval)) return undefined;
  const [, days, hours, minutes] = match.map(n => Number(n ?? 0));
  const ms = ((days * 24 + hours) * 60 + minutes) * 60 * 1000;
  return ms > 0 ? ms : undefined;
}
