// @ts-check

/**
 * Onboarding grants: how the requester was allowed to onboard the API when it was queued
 * (`ownership`: as an owner of the entity; `policy`: the permission policy allowed it for
 * every entity), so that the worker can decide again, when the operation runs, whether the
 * requester still may. Null for operations queued before: decided again without ownership.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('defender_apis_onboarding', table => {
    table
      .string('granted_by', 16)
      .nullable()
      .comment('ownership or policy: how the requester was allowed');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('defender_apis_onboarding', table => {
    table.dropColumn('granted_by');
  });
};
