// @ts-check

/**
 * The version of the catalog entity each posture was read from (a digest of its `etag`), so
 * that a pass over the catalog every minute finds new and changed API entities without reading
 * them whole. Existing rows have none: the next catalog-wide refresh writes it; until then a
 * pass takes them as changed and leaves so many to that refresh. Nothing stored is lost.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('defender_apis_posture', table => {
    table
      .string('entity_version', 64)
      .nullable()
      .comment(
        "SHA-1 of the catalog entity's etag when the posture was read; null when unknown",
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('defender_apis_posture', table => {
    table.dropColumn('entity_version');
  });
};
