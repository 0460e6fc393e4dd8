// @ts-check

/**
 * Whether a posture's claim on its API waits for a catalog-wide read (`claimPending` in the
 * posture): lists and summaries leave such rows out and count them as pending. Existing rows
 * were written before this column and are taken as checked; the next refresh writes every row.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('defender_apis_posture', table => {
    table
      .boolean('claim_pending')
      .notNullable()
      .defaultTo(false)
      .comment(
        'True while no catalog-wide read has checked the claim of the entity on its API',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('defender_apis_posture', table => {
    table.dropColumn('claim_pending');
  });
};
