// @ts-check

/**
 * Columns that catalog-wide lists filter, sort and count on, beside the facts document, and
 * the owners of each entity in a table of their own (an entity has any number of them).
 * Existing rows keep their facts; `status` stays null until the plugin composes their
 * columns at start-up (createStores), so no data is lost.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('defender_apis_posture', table => {
    table
      .text('posture')
      .nullable()
      .comment('ApiPosture as served (facts with the onboarding state), JSON');
    table
      .string('api_key', 512)
      .nullable()
      .comment('Lower-cased ARM id of the APIM API the entity maps to');
    table
      .string('status', 32)
      .nullable()
      .comment('Derived status; null until composed');
    table
      .integer('status_rank')
      .nullable()
      .comment('Position of the status in the attention order');
    table
      .string('name_key', 512)
      .nullable()
      .comment('Lower-cased display name, for sorting');
    table
      .text('search_text')
      .nullable()
      .comment('Lower-cased entity name and title, for text search');
    table
      .string('owners_key', 1024)
      .nullable()
      .comment('Lower-cased owner refs, joined, for sorting');
    table
      .string('system', 255)
      .nullable()
      .comment('Lower-cased system entity ref');
    table
      .string('domain', 255)
      .nullable()
      .comment('Lower-cased domain entity ref');
    table
      .string('lifecycle', 255)
      .nullable()
      .comment('Lower-cased spec.lifecycle');
    table.string('subscription_id', 64).nullable();
    table.string('service_name', 255).nullable();
    table.integer('endpoints_total').nullable();
    table.integer('unauthenticated').nullable();
    table.integer('sensitive_data').nullable();
    table.integer('alerts_active').nullable();
    table.integer('alerts_high').nullable();
    table.boolean('stale').nullable();
    table
      .string('read_at', 40)
      .nullable()
      .comment(
        'When the read that wrote the row started; a row is never replaced by an older read',
      );
    table.index(['status'], 'defender_apis_posture_status_idx');
    table.index(['system'], 'defender_apis_posture_system_idx');
    table.index(['domain'], 'defender_apis_posture_domain_idx');
    table.index(['lifecycle'], 'defender_apis_posture_lifecycle_idx');
    table.index(['api_key'], 'defender_apis_posture_api_key_idx');
    table.index(['name_key', 'entity_ref'], 'defender_apis_posture_name_idx');
  });
  await knex.schema.createTable('defender_apis_posture_owner', table => {
    table.comment(
      'Owners of each API entity with stored posture, lower-cased entity refs',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('owner_ref', 255).notNullable();
    table.primary(['entity_ref', 'owner_ref']);
    table.index(['owner_ref'], 'defender_apis_posture_owner_ref_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('defender_apis_posture_owner');
  await knex.schema.alterTable('defender_apis_posture', table => {
    for (const index of [
      'status',
      'system',
      'domain',
      'lifecycle',
      'api_key',
      'name',
    ]) {
      table.dropIndex([], `defender_apis_posture_${index}_idx`);
    }
    for (const column of [
      'posture',
      'api_key',
      'status',
      'status_rank',
      'name_key',
      'search_text',
      'owners_key',
      'system',
      'domain',
      'lifecycle',
      'subscription_id',
      'service_name',
      'endpoints_total',
      'unauthenticated',
      'sensitive_data',
      'alerts_active',
      'alerts_high',
      'stale',
      'read_at',
    ]) {
      table.dropColumn(column);
    }
  });
};
