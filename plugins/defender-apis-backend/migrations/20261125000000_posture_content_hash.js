// @ts-check

/**
 * A hash of each posture row's content (every column but the refresh and read times), so
 * that a refresh rewrites only the rows whose content changed and moves the refresh time of
 * the others in one statement. Existing rows have none, so the next refresh writes them
 * whole; nothing stored is lost.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('defender_apis_posture', table => {
    table
      .string('content_hash', 64)
      .nullable()
      .comment(
        'SHA-1 of the row without its refresh and read times; null until written by a refresh',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('defender_apis_posture', table => {
    table.dropColumn('content_hash');
  });
};
