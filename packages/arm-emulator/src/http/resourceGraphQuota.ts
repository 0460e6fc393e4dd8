/**
 * Resource Graph's per-principal throttle: a number of queries per window (Azure documents 15
 * per 5 seconds), told in every answer's `x-ms-user-quota-remaining` and
 * `x-ms-user-quota-resets-after` headers; a query over the quota is answered 429.
 */
export class ResourceGraphQuota {
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(
    readonly queriesPerWindow: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a query of `principal`; `allowed` is false when it is over the quota. */
  take(principal: string): {
    allowed: boolean;
    remaining: number;
    resetsAfterMs: number;
  } {
    const now = this.now();
    let window = this.windows.get(principal);
    if (!window || now - window.start >= this.windowMs) {
      window = { start: now, used: 0 };
      this.windows.set(principal, window);
    }
    const resetsAfterMs = window.start + this.windowMs - now;
    if (window.used >= this.queriesPerWindow)
      return { allowed: false, remaining: 0, resetsAfterMs };
    window.used += 1;
    return {
      allowed: true,
      remaining: this.queriesPerWindow - window.used,
      resetsAfterMs,
    };
  }

  clear(): void {
    this.windows.clear();
  }
}

/** A duration as Resource Graph writes `x-ms-user-quota-resets-after`: `hh:mm:ss`. */
export function quotaResetsAfter(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(
    Math.floor(seconds / 60) % 60,
  )}:${pad(seconds % 60)}`;
}
