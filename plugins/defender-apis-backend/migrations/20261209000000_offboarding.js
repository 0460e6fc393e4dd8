// @ts-check

/**
 * Offboarding operations: one row per APIM API, the last offboarding asked for. A running row
 * is the claim that makes one DELETE happen for any number of concurrent requests on any
 * number of replicas; its lease lets a later request take over from a replica that died.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('defender_apis_offboarding', table => {
    table.comment(
      'Offboarding operations, one row per APIM API; a running row is the claim on its DELETE',
    );
    table
      .string('api_key', 512)
      .primary()
      .notNullable()
      .comment(
        "Lower-cased ARM id of the APIM API (the posture table's api_key)",
      );
    table.string('entity_ref', 255).notNullable();
    table
      .string('state', 16)
      .notNullable()
      .comment('running | succeeded | failed');
    table.string('requested_by', 255).notNullable();
    table.string('requested_at', 40).notNullable();
    table.string('finished_at', 40).nullable();
    table
      .bigInteger('lease_until')
      .nullable()
      .comment(
        'Epoch ms; a running row whose lease ran out may be claimed again',
      );
    table
      .string('lease_owner', 64)
      .nullable()
      .comment('Token of the request that holds the running row');
    table.text('error').nullable().comment("Azure's error, when it failed");
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('defender_apis_offboarding');
};
