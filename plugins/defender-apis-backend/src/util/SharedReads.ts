/** How a {@link SharedReads} keeps its values, besides their time to live. */
export interface SharedReadsOptions {
  /** The clock, epoch ms (tests give their own). */
  now?: () => number;
  /**
   * How long a failed read is remembered (0, the default: forgotten once those waiting on it
   * have its error): remembering it briefly keeps a burst of callers from repeating a read
   * that just failed.
   */
  failureTtlMs?: number;
  /**
   * When set, the first caller after a value is this old starts a new read in the background
   * and callers keep the current value until the new one lands: a busy key never makes its
   * callers wait for a read, and no value served is older than the time to live.
   */
  renewAfterMs?: number;
}

interface Entry<T> {
  value: Promise<T>;
  readAt: number;
  expiresAt: number;
  renewing?: boolean;
}

/**
 * Single-flight reads with a short time to live, keyed by string: concurrent callers of one
 * key share one read, and callers within the time to live reuse its result. A failed read is
 * shared by those already waiting on it and then forgotten (see
 * {@link SharedReadsOptions.failureTtlMs}). A value's age counts from when its read started.
 */
export class SharedReads<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly now: () => number;
  private readonly failureTtlMs: number;
  private readonly renewAfterMs?: number;

  constructor(
    private readonly ttlMs: number,
    options: SharedReadsOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.failureTtlMs = options.failureTtlMs ?? 0;
    this.renewAfterMs = options.renewAfterMs;
  }

  /** The value of `key`: shared while in flight or fresh, else read anew with `read`. */
  get(key: string, read: () => Promise<T>): Promise<T> {
    const now = this.now();
    const current = this.entries.get(key);
    if (current && current.expiresAt > now) {
      if (this.isDueForRenewal(current, now)) this.renew(key, current, read);
      return current.value;
    }
    const entry = this.start(key, read);
    this.forgetExpired();
    return entry.value;
  }

  /**
   * Records a value read elsewhere (a full refresh), so following callers reuse it for
   * `ttlMs` (default: this instance's time to live).
   */
  set(key: string, value: T, ttlMs = this.ttlMs): void {
    const now = this.now();
    this.entries.set(key, {
      value: Promise.resolve(value),
      readAt: now,
      expiresAt: now + ttlMs,
    });
  }

  /** Forgets every value: the next caller of each key reads anew. */
  clear(): void {
    this.entries.clear();
  }

  private start(key: string, read: () => Promise<T>): Entry<T> {
    const now = this.now();
    const entry: Entry<T> = {
      value: read(),
      readAt: now,
      expiresAt: now + this.ttlMs,
    };
    this.entries.set(key, entry);
    entry.value.catch(() => {
      if (this.entries.get(key) !== entry) return;
      if (this.failureTtlMs > 0)
        entry.expiresAt = this.now() + this.failureTtlMs;
      else this.entries.delete(key);
    });
    return entry;
  }

  private isDueForRenewal(entry: Entry<T>, now: number): boolean {
    return (
      this.renewAfterMs !== undefined &&
      !entry.renewing &&
      now - entry.readAt >= this.renewAfterMs
    );
  }

  /** Reads `key` again in the background; the current value stays until the new one lands. */
  private renew(key: string, current: Entry<T>, read: () => Promise<T>): void {
    current.renewing = true;
    const readAt = this.now();
    const value = read();
    value.then(
      () => {
        if (this.entries.get(key) !== current) return;
        this.entries.set(key, {
          value,
          readAt,
          expiresAt: readAt + this.ttlMs,
        });
      },
      // The current value serves until it expires; the caller after that reads anew.
      () => undefined,
    );
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [key, entry] of this.entries)
      if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
