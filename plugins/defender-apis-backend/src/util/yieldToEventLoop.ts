import { setImmediate as nextTurn } from 'node:timers/promises';

/** Items handled between two yields: a few milliseconds of work at most. */
const DEFAULT_CHUNK = 250;

/**
 * Maps items in chunks, giving the event loop a turn between chunks, so that catalog-wide
 * work (tens of thousands of items) never stalls the backend's other requests.
 */
export async function mapInChunks<T, R>(
  items: readonly T[],
  fn: (item: T) => R,
  chunk = DEFAULT_CHUNK,
): Promise<R[]> {
  const result: R[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % chunk === 0) await nextTurn();
    result[i] = fn(items[i]);
  }
  return result;
}

/** Runs `fn` over items in chunks, yielding to the event loop between chunks. */
export async function forEachInChunks<T>(
  items: Iterable<T>,
  fn: (item: T) => void,
  chunk = DEFAULT_CHUNK,
): Promise<void> {
  let n = 0;
  for (const item of items) {
    if (n > 0 && n % chunk === 0) await nextTurn();
    fn(item);
    n++;
  }
}

/**
 * Maps items with at most `limit` calls of `fn` in flight. Bounds bursts of work that land on
 * the event loop together (TLS handshakes, response parsing) and the load put on a remote API.
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}

/**
 * The items in slices of at most `size`, with a turn of the event loop before every slice but
 * the first: the one way the plugin walks a long list of rows statement by statement (SQLite
 * and PostgreSQL limit bound parameters, and better-sqlite3 runs statements synchronously).
 */
export async function* chunksOf<T>(
  items: readonly T[],
  size: number,
): AsyncGenerator<T[]> {
  for (let i = 0; i < items.length; i += size) {
    if (i > 0) await nextTurn();
    yield items.slice(i, i + size);
  }
}
