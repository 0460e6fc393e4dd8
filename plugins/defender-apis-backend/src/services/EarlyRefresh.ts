/**
 * Asks for the catalog-wide refresh earlier than its schedule when views meet claims no refresh
 * has checked yet (a first start, a new entity), so that such a card shows its data within
 * about a minute rather than at the next scheduled refresh. At most one request per interval
 * on each replica; the scheduler runs the refresh on one replica.
 */
export class EarlyRefresh {
  private lastRequestAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly options: {
      /** Starts the scheduled refresh now (`scheduler.triggerTask`). */
      trigger: () => Promise<void>;
      /** The least time between two requests. */
      minIntervalMs: number;
      now?: () => number;
    },
  ) {}

  /** Asks for a refresh unless this replica asked less than the interval ago. */
  request(): void {
    const now = (this.options.now ?? Date.now)();
    if (now - this.lastRequestAt < this.options.minIntervalMs) return;
    this.lastRequestAt = now;
    Promise.resolve()
      .then(() => this.options.trigger())
      .catch(() => {
        // Running already (the scheduler refuses a second run): the next view after the
        // interval asks again if that run did not check the claim.
      });
  }
}
