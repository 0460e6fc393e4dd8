import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  ApiPostureHistory,
  historyDayOf,
  PostureHistory,
} from '@defender-apis/plugin-defender-apis-common';
import { HistoryStore } from '../database/HistoryStore';
import {
  daysBefore,
  HistoryRange,
  ResolvedHistoryQuery,
} from '../model/historyQuery';
import { PostureService } from './PostureService';

/**
 * Posture over time: records the day's snapshots after the passes that write postures, prunes
 * the days past retention, and answers history as the caller may see it.
 */
export class HistoryService {
  constructor(
    private readonly options: {
      store: HistoryStore;
      postures: Pick<PostureService, 'visibility' | 'getEntityPosture'>;
      logger: LoggerService;
      /** How many days history keeps, today included (`defenderApis.history.days`). */
      retentionDays: number;
      /** The time now; tests move it. */
      now?: () => Date;
    },
  ) {}

  /** How many days history keeps. */
  get retentionDays(): number {
    return this.options.retentionDays;
  }

  /** Today, UTC, as history names days. */
  today(): string {
    return historyDayOf(this.now());
  }

  /**
   * Writes today's snapshot of every stored posture (those unchanged since the last one are
   * left as they are). A failure is logged, not thrown: the postures are stored already.
   */
  async recordToday(): Promise<number> {
    const now = this.now();
    const started = Date.now();
    try {
      const written = await this.options.store.recordDay(
        historyDayOf(now),
        now.toISOString(),
      );
      const fields = {
        day: historyDayOf(now),
        written,
        durationMs: Date.now() - started,
      };
      // What a refresh or pass adds to its database time, written or not.
      this.options.logger.info('Recorded posture history', fields);
      return written;
    } catch (error) {
      this.options.logger.warn(
        `Could not record the day of posture history: ${error}`,
      );
      return 0;
    }
  }

  /** Deletes the days older than history keeps; returns how many snapshots went. */
  async prune(): Promise<number> {
    return this.options.store.pruneBefore(this.oldestKeptDay());
  }

  /** The catalog's history of the query, of the APIs the caller may see. */
  async catalogHistory(
    query: ResolvedHistoryQuery,
    credentials: BackstageCredentials,
  ): Promise<PostureHistory> {
    const visibility = await this.options.postures.visibility(credentials);
    const days =
      !visibility.all && visibility.entityRefs.length === 0
        ? []
        : await this.options.store.catalogHistory(query, visibility);
    return {
      from: query.from,
      to: query.to,
      retentionDays: this.retentionDays,
      days,
    };
  }

  /** One API's history, when the caller may see the API (NotFoundError otherwise). */
  async apiHistory(
    entityRef: string,
    range: HistoryRange,
    credentials: BackstageCredentials,
  ): Promise<ApiPostureHistory> {
    const { posture } = await this.options.postures.getEntityPosture(
      entityRef,
      credentials,
    );
    const days = await this.options.store.apiHistory(posture.entityRef, range);
    return {
      entityRef: posture.entityRef,
      status: posture.status,
      ...(posture.statusSince ? { statusSince: posture.statusSince } : {}),
      from: range.from,
      to: range.to,
      days,
    };
  }

  private oldestKeptDay(): string {
    return daysBefore(this.today(), this.retentionDays - 1);
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}
