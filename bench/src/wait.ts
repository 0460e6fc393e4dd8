/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * Calls `check` every `intervalMs` until it returns a value other than undefined, and returns
 * that value. Errors thrown by `check` count as "not yet"; the last one is named in the
 * timeout error, which says what was awaited.
 */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { timeoutMs, intervalMs = 500 }: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const started = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() - started > timeoutMs) {
      const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(
        `Timed out after ${Math.round(
          timeoutMs / 1000,
        )} s waiting for ${what}${cause}`,
      );
    }
    await sleep(intervalMs);
  }
}
