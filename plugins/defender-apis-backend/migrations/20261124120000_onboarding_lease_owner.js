// @ts-check

/**
 * Exact onboarding claims across replicas: each running operation records the token of the
 * claim that runs it (renewals and the outcome are written only under that token), and one
 * row per APIM service serves as the lock under which running operations are counted and one
 * more is taken, so replicas never exceed the per-service limit between them.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('defender_apis_onboarding', table => {
    table
      .string('lease_owner', 64)
      .nullable()
      .comment(
        'Token of the claim running the operation; null when not running',
      );
  });
  await knex.schema.createTable(
    'defender_apis_onboarding_service_lock',
    table => {
      table.comment(
        'One row per APIM service, locked while an operation of that service is taken',
      );
      table.string('service_key', 512).primary().notNullable();
      table
        .bigInteger('taken_at')
        .nullable()
        .comment('Epoch ms of the last take; written to lock the row');
    },
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('defender_apis_onboarding_service_lock');
  await knex.schema.alterTable('defender_apis_onboarding', table => {
    table.dropColumn('lease_owner');
  });
};
