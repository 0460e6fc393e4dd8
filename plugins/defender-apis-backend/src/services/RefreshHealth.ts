import { RefreshSummary } from './PostureRefresher';

/** How the scheduled refreshes of this replica went, as `GET /health` reports it. */
export interface RefreshHealthReport {
  /**
   * `pending` before the first refresh ended; `ok` when the last one stored every posture;
   * `partial` when it ended but the database refused some postures (stored as `error`);
   * `failed` when it stopped.
   */
  state: 'pending' | 'ok' | 'partial' | 'failed';
  lastStartedAt?: string;
  /** When the last refresh that ended (whole or partial) ended. */
  lastCompletedAt?: string;
  /** When the last refresh that stopped stopped. */
  lastFailedAt?: string;
  /** Postures the last refresh that ended could not store. */
  posturesFailed?: number;
}

/**
 * Keeps track of the scheduled refreshes this replica runs, so that a refresh that keeps
 * failing shows on the health route and not only in the logs. Only times and counts are kept:
 * the route is unauthenticated, and the reasons are in the logs.
 */
export class RefreshHealth {
  private current: RefreshHealthReport = { state: 'pending' };

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Runs a refresh and records how it ended; its error, if any, is thrown on. */
  async track(refresh: () => Promise<RefreshSummary>): Promise<RefreshSummary> {
    this.current = { ...this.current, lastStartedAt: this.time() };
    try {
      const summary = await refresh();
      this.current = {
        ...this.current,
        state: summary.posturesFailed > 0 ? 'partial' : 'ok',
        lastCompletedAt: this.time(),
        posturesFailed: summary.posturesFailed,
      };
      return summary;
    } catch (error) {
      this.current = {
        ...this.current,
        state: 'failed',
        lastFailedAt: this.time(),
      };
      throw error;
    }
  }

  report(): RefreshHealthReport {
    return { ...this.current };
  }

  private time(): string {
    return this.now().toISOString();
  }
}
