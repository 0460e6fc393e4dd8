/*
 * Demo only: gives the demo's APIs a past, so that the history charts of the governance page
 * and the overview card have days to draw on a stack started minutes ago. Off unless
 * `defenderApisDemo.historyDays` is set (app-config.yaml sets it for the demo). A real install
 * starts with no history: the plugin records each day from its first refresh on.
 */
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';

const HISTORY = 'defender_apis_history';
const POSTURE = 'defender_apis_posture';
const DAY_MS = 86_400_000;

type Snapshot = Record<string, string | number>;

function dayBefore(today: string, days: number): string {
  return new Date(Date.parse(`${today}T00:00:00Z`) - days * DAY_MS)
    .toISOString()
    .slice(0, 10);
}

/** A small stable number per entity, so that every start draws the same past. */
function spread(entityRef: string, modulo: number): number {
  let hash = 0;
  for (const char of entityRef) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % modulo;
}

/**
 * What an API was `daysAgo` days before today's snapshot: onboarded APIs were onboarded some
 * days ago (unprotected before), and APIs at risk were protected until a few days ago.
 */
function pastOf(today: Snapshot, daysAgo: number, days: number): Snapshot {
  const ref = String(today.entity_ref);
  const onboardedDaysAgo = 3 + spread(ref, days);
  const atRiskDaysAgo = 2 + spread(`${ref}#risk`, 10);
  if (today.coverage === 'threatProtection' && daysAgo > onboardedDaysAgo) {
    return {
      ...today,
      status: 'notOnboarded',
      coverage: 'none',
      endpoints_total: -1,
      unauthenticated: -1,
      sensitive_data: -1,
      alerts_active: 0,
      alerts_high: 0,
      alerts_medium: 0,
      alerts_low: 0,
      alerts_informational: 0,
    };
  }
  if (today.status === 'atRisk' && daysAgo > atRiskDaysAgo) {
    return {
      ...today,
      status: 'protected',
      unauthenticated: 0,
      alerts_active: 0,
      alerts_high: 0,
    };
  }
  return today;
}

/** Snapshots per insert statement (18 columns each, within every database's parameter limit). */
const ROWS_PER_INSERT = 500;

/**
 * Seeds the past of every API that has today's snapshot and no earlier one: every 10 seconds,
 * or only when triggered (`defenderApisDemo.historyOnRequest`, as the benchmark does through
 * the scheduler's trigger route once its catalog is read).
 */
export default createBackendModule({
  pluginId: 'defender-apis',
  moduleId: 'demo-history',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        logger: coreServices.logger,
      },
      async init({ config, database, scheduler, logger }) {
        const days =
          config.getOptionalNumber('defenderApisDemo.historyDays') ?? 0;
        if (days <= 0) return;
        const onRequest =
          config.getOptionalBoolean('defenderApisDemo.historyOnRequest') ??
          false;
        await scheduler.scheduleTask({
          id: 'defender-apis-demo-history',
          scope: 'local',
          frequency: onRequest ? { days: 365 } : { seconds: 10 },
          initialDelay: onRequest ? { days: 365 } : { seconds: 10 },
          timeout: { minutes: 10 },
          fn: async () => {
            const started = Date.now();
            const knex = await database.getClient();
            const today = new Date().toISOString().slice(0, 10);
            const current: Snapshot[] = await knex(HISTORY)
              .where({ day: today })
              .whereNotIn(
                'entity_ref',
                knex(HISTORY).select('entity_ref').where('day', '<', today),
              );
            if (current.length === 0) return;
            const rows: Snapshot[] = [];
            const since = new Map<string, string>();
            for (const snapshot of current) {
              let first = today;
              for (let daysAgo = 1; daysAgo < days; daysAgo += 1) {
                const past = pastOf(snapshot, daysAgo, days);
                const day = dayBefore(today, daysAgo);
                if (
                  past.status === snapshot.status &&
                  first === dayBefore(today, daysAgo - 1)
                )
                  first = day;
                rows.push({
                  ...past,
                  day,
                  recorded_at: `${day}T12:00:00.000Z`,
                });
              }
              since.set(String(snapshot.entity_ref), first);
            }
            // One transaction: a chart read meanwhile sees an API's whole past or none of it.
            await knex.transaction(async tx => {
              for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
                await tx(HISTORY)
                  .insert(rows.slice(i, i + ROWS_PER_INSERT))
                  .onConflict(['entity_ref', 'day'])
                  .ignore();
              }
              // The posture's status began when the demo's past says it did.
              for (const [entityRef, first] of since) {
                await tx(POSTURE)
                  .where({ entity_ref: entityRef })
                  .update({ status_since: `${first}T06:00:00.000Z` });
              }
            });
            logger.info('Demo: seeded posture history', {
              snapshots: rows.length,
              apis: current.length,
              days,
              durationMs: Date.now() - started,
            });
          },
        });
      },
    });
  },
});
