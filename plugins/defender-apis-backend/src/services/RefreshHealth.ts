import { RefreshSummary } from './PostureRefresher';
import { ReadVia } from '../model/readVia';

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
  /** Where the last refresh that ended read Defender for Cloud's data: Resource Graph or ARM lists. */
  readVia?: ReadVia;
  /**
   * Set when that refresh read ARM lists though Resource Graph was configured: Resource Graph
   * refused the principal (the words are fixed; Azure's answer is in the logs).
   */
  readViaFallback?: string;
}

/** What the health route says of a fallback to ARM lists (Azure's own words stay in the logs). */
export const RESOURCE_GRAPH_REFUSED =
  'Azure Resource Graph answered 403 (not authorized); security data was read through ARM lists';

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
      const { readViaFallback: _, ...rest } = this.current;
      this.current = {
        ...rest,
        state: summary.posturesFailed > 0 ? 'partial' : 'ok',
        lastCompletedAt: this.time(),
        posturesFailed: summary.posturesFailed,
        ...(summary.readVia ? { readVia: summary.readVia } : {}),
        ...(summary.readViaFallbackReason
          ? { readViaFallback: RESOURCE_GRAPH_REFUSED }
          : {}),
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
