import { TaskRunStore } from '../database/TaskRunStore';
import { SharedReads } from '../util/SharedReads';

/** How long the last start of the pass is reused by answers that name the next one. */
const LAST_START_TTL_MS = 5_000;

/**
 * When the pass over the catalog runs: each start is recorded in the database by the replica
 * that runs it, so every replica can tell callers with pending APIs when they will be read.
 */
export class CatalogPassSchedule {
  private readonly lastStarts = new SharedReads<string | undefined>(
    LAST_START_TTL_MS,
  );

  constructor(
    private readonly options: {
      store: TaskRunStore;
      taskId: string;
      /** How often the pass runs. */
      frequencyMs: number;
      now?: () => number;
    },
  ) {}

  /** Records that the pass starts now. */
  async recordStart(): Promise<void> {
    const { store, taskId } = this.options;
    await store.recordStart(taskId, new Date(this.now()).toISOString());
    this.lastStarts.clear();
  }

  /**
   * The ISO time of the next pass: a period after the last start, or now when that is past
   * (the pass is due); a period from now when no pass has started yet.
   */
  async nextPassAt(): Promise<string> {
    const { store, taskId, frequencyMs } = this.options;
    const last = await this.lastStarts.get('last', () =>
      store.lastStart(taskId),
    );
    const now = this.now();
    const next = last ? Date.parse(last) + frequencyMs : now + frequencyMs;
    return new Date(Math.max(now, next)).toISOString();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
