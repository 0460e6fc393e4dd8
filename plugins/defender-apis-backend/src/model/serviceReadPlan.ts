/**
 * Which APIM services a full refresh reads from Azure; the others' lists and metrics come from
 * what earlier refreshes stored. Pure, so the order is tested without Azure.
 */

/** When a service's API list and Requests metric were last read; absent: never. */
export interface ServiceReadTimes {
  listedAt?: string;
  trafficReadAt?: string;
}

/** The services a refresh reads, by `serviceKey`. */
export interface ServiceReadPlan {
  /** Services whose API list (and SKU) is read now. */
  lists: Set<string>;
  /** Services whose Requests metric is read now. */
  traffic: Set<string>;
}

/**
 * Plans a refresh's service reads under a cap of `maxReads` lists and `maxReads` metrics.
 * A service never read is always read (its entities have nothing else); the cap's rest goes
 * first to services whose stored list lacks an API an entity names (it may be new), then to
 * the longest unread. A metric is read only when older than `trafficStaleBefore`. So a refresh
 * costs the same at 50 services as at 500, and every list is re-read within
 * ceil(services / maxReads) refreshes; an estate of up to `maxReads` services is read whole
 * at every refresh.
 */
export function planServiceReads({
  listed,
  metered,
  stored,
  demand,
  maxReads,
  trafficStaleBefore,
}: {
  /** Services whose lists the refresh needs, by key. */
  listed: readonly string[];
  /** Services whose metrics the refresh needs, by key. */
  metered: readonly string[];
  stored: ReadonlyMap<string, ServiceReadTimes>;
  /** Services whose stored list lacks an API an entity names. */
  demand: ReadonlySet<string>;
  maxReads: number;
  /** ISO time: a metric read before it is read again. */
  trafficStaleBefore: string;
}): ServiceReadPlan {
  const lists = pick(
    listed,
    key => stored.get(key)?.listedAt,
    maxReads,
    key => demand.has(key),
  );
  const traffic = pick(
    metered.filter(key => {
      const readAt = stored.get(key)?.trafficReadAt;
      return readAt === undefined || readAt < trafficStaleBefore;
    }),
    key => stored.get(key)?.trafficReadAt,
    maxReads,
  );
  return { lists, traffic };
}

/**
 * The keys never read, then up to `max` minus those: wanted ones first, then by the oldest
 * read (ties by key, so replicas agree).
 */
function pick(
  keys: readonly string[],
  readAt: (key: string) => string | undefined,
  max: number,
  wanted: (key: string) => boolean = () => false,
): Set<string> {
  const never = keys.filter(key => readAt(key) === undefined);
  const rest = keys
    .filter(key => readAt(key) !== undefined)
    .sort(
      (a, b) =>
        Number(wanted(b)) - Number(wanted(a)) ||
        compare(readAt(a)!, readAt(b)!) ||
        compare(a, b),
    );
  return new Set([...never, ...rest.slice(0, Math.max(0, max - never.length))]);
}

function compare(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
