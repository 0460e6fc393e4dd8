// @ts-check

/**
 * Shadow APIs: the current APIs of each read APIM service that no catalog entity mapped at
 * the last catalog-wide refresh, and when each service's APIs were last read (or why not).
 * A service's rows are replaced whole when it is read, and kept when its read fails.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('defender_apis_shadow_api', table => {
    table.comment('APIs of read APIM services that no catalog entity maps to');
    table
      .string('api_key', 512)
      .primary()
      .notNullable()
      .comment("Lower-cased ARM id of the API (the posture table's api_key)");
    table
      .string('service_key', 512)
      .notNullable()
      .comment('Lower-cased {subscription}/{resource group}/{service}');
    table.string('subscription_id', 64).notNullable();
    table.string('service_name', 255).notNullable().comment('Lower-cased');
    table
      .string('name_key', 512)
      .notNullable()
      .comment('Lower-cased display name (or API id), for sorting');
    table
      .string('service_order', 1024)
      .notNullable()
      .comment('Lower-cased service name, a space and name_key, for sorting');
    table.text('search_text').notNullable();
    table.boolean('onboarded').notNullable();
    table.boolean('applicable').notNullable();
    table.text('api').notNullable().comment('The ShadowApi document (JSON)');
    table.index(['service_key'], 'defender_apis_shadow_api_service_idx');
    table.index(['name_key'], 'defender_apis_shadow_api_name_idx');
  });
  await knex.schema.createTable('defender_apis_shadow_service', table => {
    table.comment('When the refresh last read the APIs of each APIM service');
    table.string('service_key', 512).primary().notNullable();
    table.string('subscription_id', 64).notNullable();
    table.string('service_name', 255).notNullable();
    table
      .string('read_at', 32)
      .nullable()
      .comment('ISO time of the last successful read; null before one');
    table
      .text('error')
      .nullable()
      .comment('Why the last read failed; null when it succeeded');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('defender_apis_shadow_service');
  await knex.schema.dropTable('defender_apis_shadow_api');
};
