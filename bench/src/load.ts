import { performance } from 'node:perf_hooks';
import { HttpClient } from './httpClient';

/** A route under load: `path(i)` is the i-th request's path (e.g. the i-th entity's). */
export interface LoadRoute {
  name: string;
  path: (i: number) => string;
}

/** Latency figures of one route in one load run, in milliseconds. */
export interface RouteStats {
  route: string;
  samples: number;
  errors: number;
  /** Statuses other than 2xx, with their counts, and the first such answer. */
  failures: Record<string, number>;
  firstFailure?: string;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** How much load, and for how long at most. */
export interface LoadPlan {
  /** Concurrent clients, each with its own keep-alive connection. */
  concurrency: number;
  /** Measured requests per route. */
  requestsPerRoute: number;
  /**
   * Unmeasured requests per route sent first, so that both sides are warm; at least one per
   * client, so that every connection is open before measuring.
   */
  warmupPerRoute: number;
  /** The run stops early after this long (requests in flight finish); stats say how many ran. */
  maxMs: number;
}

/** The value at quantile q (0..1) of sorted values, nearest-rank. */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/**
 * Runs `concurrency` clients in closed loops over the routes, interleaved: consecutive requests
 * go to the routes in turn, item by item, so every route sees the same items (entity names)
 * and, being mixed in the same run, the same conditions.
 */
export async function runLoad(
  client: HttpClient,
  headers: Record<string, string>,
  routes: LoadRoute[],
  plan: LoadPlan,
): Promise<Map<string, RouteStats>> {
  const warmup = Math.max(plan.warmupPerRoute, plan.concurrency);
  await loop(
    client,
    headers,
    routes,
    plan.concurrency,
    warmup * routes.length,
    plan.maxMs,
    0,
  );
  const latencies = await loop(
    client,
    headers,
    routes,
    plan.concurrency,
    plan.requestsPerRoute * routes.length,
    plan.maxMs,
    // Measured items start after the warm-up ones, so they are not answered from a warm cache.
    warmup,
  );
  return new Map(
    routes.map((route, r) => [route.name, statsOf(route.name, latencies[r])]),
  );
}

interface Outcome {
  ms: number;
  status: number;
  body?: string;
}

async function loop(
  client: HttpClient,
  headers: Record<string, string>,
  routes: LoadRoute[],
  concurrency: number,
  total: number,
  maxMs: number,
  firstItem: number,
): Promise<Outcome[][]> {
  const outcomes: Outcome[][] = routes.map(() => []);
  const deadline = performance.now() + maxMs;
  let next = 0;
  const worker = async () => {
    while (next < total && performance.now() < deadline) {
      const k = next++;
      const item = Math.floor(k / routes.length);
      // Each item goes to every route once, starting with a different route from item to
      // item: the card reads its entity through the catalog, which would warm by-name's read.
      const r = (k + item) % routes.length;
      const path = routes[r].path(firstItem + item);
      try {
        const res = await client.request('GET', path, { headers });
        const ok = res.status >= 200 && res.status < 300;
        outcomes[r].push({
          ms: res.ms,
          status: res.status,
          ...(ok ? {} : { body: res.body.slice(0, 300) }),
        });
      } catch (error) {
        outcomes[r].push({ ms: NaN, status: 0, body: String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return outcomes;
}

function statsOf(route: string, outcomes: Outcome[]): RouteStats {
  const ok = outcomes.filter(o => o.status >= 200 && o.status < 300);
  const failed = outcomes.filter(o => !(o.status >= 200 && o.status < 300));
  const sorted = ok.map(o => o.ms).sort((a, b) => a - b);
  const failures: Record<string, number> = {};
  for (const f of failed)
    failures[String(f.status)] = (failures[String(f.status)] ?? 0) + 1;
  return {
    route,
    samples: ok.length,
    errors: failed.length,
    failures,
    ...(failed[0]
      ? { firstFailure: `${failed[0].status} ${failed[0].body ?? ''}` }
      : {}),
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? NaN,
    mean: sorted.reduce((sum, ms) => sum + ms, 0) / (sorted.length || 1),
  };
}
