// @ts-check

/**
 * Posture facts per catalog entity, and the onboarding operations per APIM API.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('defender_apis_posture', table => {
    table.comment(
      'Defender for APIs facts read from the catalog and Azure, per API entity',
    );
    table.string('entity_ref', 255).primary().notNullable();
    table.text('data').notNullable().comment('StoredPosture as JSON');
    table.string('refreshed_at', 40).nullable();
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('defender_apis_onboarding', table => {
    table.comment(
      'Onboarding operations, one row per APIM API; the row is the claim that makes a PUT happen once',
    );
    table
      .string('api_key', 512)
      .primary()
      .notNullable()
      .comment('Lower-cased ARM id of the APIM API');
    table
      .string('service_key', 512)
      .notNullable()
      .comment('Lower-cased subscription/resourceGroup/service');
    table.string('entity_ref', 255).notNullable();
    table.text('target').notNullable().comment('OnboardTarget as JSON');
    table
      .string('state', 16)
      .notNullable()
      .comment('queued | running | succeeded | failed');
    table.string('requested_by', 255).nullable();
    table.string('requested_at', 40).notNullable();
    table.string('finished_at', 40).nullable();
    table
      .bigInteger('lease_until')
      .nullable()
      .comment('Epoch ms; a running row whose lease ran out may be taken over');
    table.text('error').nullable();
    table.index(['state', 'service_key'], 'defender_apis_onboarding_state_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('defender_apis_onboarding');
  await knex.schema.dropTable('defender_apis_posture');
};
