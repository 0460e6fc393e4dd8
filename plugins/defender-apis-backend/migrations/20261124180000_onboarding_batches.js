// @ts-check

/**
 * Onboarding batches: APIs requested together (`POST /onboard`), queued in the database so
 * they start at the configured pace per service whether or not the requester's browser stays
 * open, and survive restarts. Queued operations of a batch carry its id.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('defender_apis_onboarding', table => {
    table
      .string('batch_id', 36)
      .nullable()
      .comment(
        'The batch that queued the operation; batch operations start at the configured pace',
      );
    table.index(['batch_id'], 'defender_apis_onboarding_batch_idx');
  });
  await knex.schema.createTable('defender_apis_onboarding_batch', table => {
    table.comment('Onboarding batches, one row per POST /onboard');
    table.string('id', 36).primary().notNullable();
    table.string('requested_by', 255).notNullable();
    table.string('requested_at', 40).notNullable();
    table.string('cancelled_at', 40).nullable();
  });
  await knex.schema.createTable(
    'defender_apis_onboarding_batch_item',
    table => {
      table.comment(
        'The APIs of each onboarding batch and what became of each when requested',
      );
      table.string('batch_id', 36).notNullable();
      table.string('entity_ref', 255).notNullable();
      table
        .string('api_key', 512)
        .nullable()
        .comment('Lower-cased ARM id of the API, for queued items');
      table
        .string('outcome', 32)
        .notNullable()
        .comment(
          'queued | alreadyQueued | alreadyOnboarded | refused | cancelled',
        );
      table.text('reason').nullable();
      table.primary(['batch_id', 'entity_ref']);
    },
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('defender_apis_onboarding_batch_item');
  await knex.schema.dropTable('defender_apis_onboarding_batch');
  await knex.schema.alterTable('defender_apis_onboarding', table => {
    table.dropIndex([], 'defender_apis_onboarding_batch_idx');
    table.dropColumn('batch_id');
  });
};
