/**
 * Single-flight reads with a short time to live, keyed by string: concurrent callers of one
 * key share one read, and callers within the time to live reuse its result. A failed read is
 * shared by those already waiting on it and then forgotten, at once or after `failureTtlMs`:
 * remembering it briefly keeps a burst of callers from repeating a read that just failed.
 */
export class SharedReads<T> {
  private readonly entries = new Map<
    string,
    { value: Promise<T>; expiresAt: number }
  >();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly failureTtlMs = 0,
  ) {}

  /** The value of `key`: shared while in flight or fresh, else read anew with `read`. */
  get(key: string, read: () => Promise<T>): Promise<T> {
    const current = this.entries.get(key);
    if (current && current.expiresAt > this.now()) return current.value;
    const entry = { value: read(), expiresAt: this.now() + this.ttlMs };
    this.entries.set(key, entry);
    entry.value.catch(() => {
      if (this.entries.get(key) !== entry) return;
      if (this.failureTtlMs > 0)
        entry.expiresAt = this.now() + this.failureTtlMs;
      else this.entries.delete(key);
    });
    this.forgetExpired();
    return entry.value;
  }

  /**
   * Records a value read elsewhere (a full refresh), so following callers reuse it for
   * `ttlMs` (default: this instance's time to live).
   */
  set(key: string, value: T, ttlMs = this.ttlMs): void {
    this.entries.set(key, {
      value: Promise.resolve(value),
      expiresAt: this.now() + ttlMs,
    });
  }

  /** Forgets every value: the next caller of each key reads anew. */
  clear(): void {
    this.entries.clear();
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [key, entry] of this.entries)
      if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
