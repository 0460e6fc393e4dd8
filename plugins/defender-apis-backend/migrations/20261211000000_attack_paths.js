// @ts-check

/**
 * Attack paths: the posture table counts the Defender CSPM attack paths through each API, so
 * that lists can pick the APIs on one in SQL. Null where they are not known (Defender CSPM
 * off, Resource Graph refused, not read yet); rows get their count when next written.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('defender_apis_posture', table => {
    table
      .integer('attack_paths')
      .nullable()
      .comment('Attack paths through the API; null when not known');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('defender_apis_posture', table => {
    table.dropColumn('attack_paths');
  });
};
