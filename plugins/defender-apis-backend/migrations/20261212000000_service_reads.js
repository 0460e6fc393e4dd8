// @ts-check

/**
 * Service reads: what full refreshes last read of each APIM service (its API list and SKU,
 * and its Requests metric), so that a refresh reads a few services' lists and metrics and
 * takes the rest from here, whichever replica read them.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('defender_apis_service_read', table => {
    table.comment(
      'The last read of the API list and Requests metric of each APIM service',
    );
    table
      .string('service_key', 512)
      .primary()
      .notNullable()
      .comment('Lower-cased {subscription}/{resource group}/{service}');
    table
      .string('listed_at', 32)
      .nullable()
      .comment('ISO time the API list was read; null before it was');
    table
      .text('listing')
      .nullable()
      .comment('The service key, SKU and APIs as read (JSON)');
    table
      .double('requests_last_30_days')
      .nullable()
      .comment('Requests metric, total of 30 days; null before it was read');
    table
      .string('traffic_read_at', 32)
      .nullable()
      .comment('ISO time the Requests metric was read; null before it was');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('defender_apis_service_read');
};
