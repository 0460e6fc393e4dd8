// @ts-check

/**
 * Per-user onboarding limits: one row per requester, locked while the user's queued
 * onboardings and open batches are counted and new ones inserted, so that parallel requests
 * (on any replica) cannot together exceed the limits.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('defender_apis_onboarding_user_lock', table => {
    table.comment('Locked while the onboarding limits of a user are checked');
    table
      .string('user_ref', 255)
      .primary()
      .notNullable()
      .comment('User entity ref of the requester');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('defender_apis_onboarding_user_lock');
};
