// @ts-check

/**
 * Posture over time. The posture table gains what a day's snapshot holds beside its status
 * (coverage kind, plan, alerts of every severity) and when each API took its current status;
 * `defender_apis_history` keeps one snapshot per API entity and day (UTC), the day's last.
 * Existing rows get their new columns when next written (their content hash changes with the
 * new columns); their `status_since` is the time of this migration: a lower bound.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('defender_apis_posture', table => {
    table
      .string('status_since', 40)
      .nullable()
      .comment(
        'ISO time the API took its current status (kept by every write)',
      );
    table
      .string('coverage', 16)
      .nullable()
      .comment('threatProtection | postureOnly | none, from the status');
    table
      .string('plan', 32)
      .nullable()
      .comment(
        "Lower-cased sub-plan of the subscription's plan, off, or empty",
      );
    table.integer('alerts_medium').nullable();
    table.integer('alerts_low').nullable();
    table.integer('alerts_informational').nullable();
  });
  await knex('defender_apis_posture')
    .whereNotNull('status')
    .update({ status_since: new Date().toISOString() });

  await knex.schema.createTable('defender_apis_history', table => {
    table.comment(
      'One snapshot per API entity and UTC day: the last posture the entity had that day',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('day', 10).notNullable().comment('UTC day, YYYY-MM-DD');
    table.string('status', 32).notNullable();
    table.string('coverage', 16).notNullable();
    table.string('plan', 32).notNullable();
    table
      .integer('endpoints_total')
      .notNullable()
      .comment('-1 when Defender had no endpoint data');
    table.integer('unauthenticated').notNullable();
    table.integer('sensitive_data').notNullable();
    table.integer('alerts_active').notNullable();
    table.integer('alerts_high').notNullable();
    table.integer('alerts_medium').notNullable();
    table.integer('alerts_low').notNullable();
    table.integer('alerts_informational').notNullable();
    table
      .string('owners_key', 1024)
      .notNullable()
      .comment('Lower-cased owner refs of the day, joined');
    table.string('system', 255).notNullable();
    table.string('domain', 255).notNullable();
    table.string('lifecycle', 255).notNullable();
    table
      .string('recorded_at', 40)
      .notNullable()
      .comment('When the snapshot was last written');
    table.primary(['entity_ref', 'day']);
    // A team's or a system's chart looks its APIs up one by one, reading only this index.
    table.index(
      ['entity_ref', 'day', 'status', 'alerts_high'],
      'defender_apis_history_entity_idx',
    );
    // Catalog-wide charts group a range of days by status, reading only this index.
    table.index(
      ['day', 'status', 'alerts_high'],
      'defender_apis_history_day_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('defender_apis_history');
  await knex.schema.alterTable('defender_apis_posture', table => {
    table.dropColumn('status_since');
    table.dropColumn('coverage');
    table.dropColumn('plan');
    table.dropColumn('alerts_medium');
    table.dropColumn('alerts_low');
    table.dropColumn('alerts_informational');
  });
};
