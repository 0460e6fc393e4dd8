// @ts-check

/**
 * When each of the plugin's scheduled tasks last started, on whichever replica ran it, so that
 * every replica can tell callers when the next pass over the catalog reads what is pending.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('defender_apis_task_runs', table => {
    table.comment('Last start of each scheduled task of the plugin');
    table.string('task_id', 64).primary().notNullable();
    table
      .string('last_started_at', 32)
      .notNullable()
      .comment('ISO 8601 time the task last started');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('defender_apis_task_runs');
};
