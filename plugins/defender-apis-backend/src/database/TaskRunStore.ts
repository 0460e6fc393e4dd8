import { Knex } from 'knex';

const TASK_RUNS = 'defender_apis_task_runs';

/** When the plugin's scheduled tasks last started, whichever replica ran them. */
export interface TaskRunStore {
  /** Records that the task started at `at` (ISO time). */
  recordStart(taskId: string, at: string): Promise<void>;
  /** When the task last started, if it ever did. */
  lastStart(taskId: string): Promise<string | undefined>;
}

/** {@link TaskRunStore} in the plugin's database: one row per task. */
export class KnexTaskRunStore implements TaskRunStore {
  constructor(private readonly knex: Knex) {}

  async recordStart(taskId: string, at: string): Promise<void> {
    await this.knex(TASK_RUNS)
      .insert({ task_id: taskId, last_started_at: at })
      .onConflict('task_id')
      .merge(['last_started_at']);
  }

  async lastStart(taskId: string): Promise<string | undefined> {
    const row: { last_started_at: string } | undefined = await this.knex(
      TASK_RUNS,
    )
      .select('last_started_at')
      .where({ task_id: taskId })
      .first();
    return row?.last_started_at;
  }
}
