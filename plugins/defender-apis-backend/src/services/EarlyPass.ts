/**
 * Asks for the catalog pass earlier than its schedule when views meet claims no catalog-wide
 * read has checked yet (a new entity), so that such a card shows its data within seconds
 * rather than at the next pass. At most one request per interval on each replica; the
 * scheduler runs the pass on one replica.
 */
export class EarlyPass {
  private lastRequestAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly options: {
      /** Starts the scheduled pass now (`scheduler.triggerTask`). */
      trigger: () => Promise<void>;
      /** The least time between two requests. */
      minIntervalMs: number;
      now?: () => number;
    },
  ) {}

  /** Asks for a pass unless this replica asked less than the interval ago. */
  request(): void {
    const now = (this.options.now ?? Date.now)();
    if (now - this.lastRequestAt < this.options.minIntervalMs) return;
    this.lastRequestAt = now;
    Promise.resolve()
      .then(() => this.options.trigger())
      .catch(() => {
        // Running already (the scheduler refuses a second run): the next view after the
        // interval asks again if that pass did not check the claim.
      });
  }
}
