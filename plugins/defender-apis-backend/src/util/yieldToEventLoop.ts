import { setImmediate as nextTurn } from 'node:timers/promises';

/** Items handled between two yields: a few milliseconds of work at most. */
const DEFAULT_CHUNK = 250;

/**
 * Maps items in chunks, giving the event loop a turn between chunks, so that catalog-wide
 * work (tens of thousands of items) never stalls the backend's other requests.
 */
export async function mapInChunks<T, R>(items: readonly T[], fn: (item: T) => R, chunk = DEFAULT_CHUNK): Promise<R[]> {
  const result: R[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % chunk === 0) await nextTurn();
    result[i] = fn(items[i]);
  }
  return result;
}

/** Runs `fn` over items in chunks, yielding to the event loop between chunks. */
export async function forEachInChunks<T>(items: Iterable<T>, fn: (item: T) => void, chunk = DEFAULT_CHUNK): Promise<void> {
  let n = 0;
  for (const item of items) {
    if (n > 0 && n % chunk === 0) await nextTurn();
    fn(item);
    n++;
  }
}
