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

/** Seeds the demo's past days once today's snapshots are written (after the first refresh). */
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
        let seeded = false;
        await scheduler.scheduleTask({
          id: 'defender-apis-demo-history',
          scope: 'local',
          frequency: { seconds: 10 },
          timeout: { minutes: 1 },
          initialDelay: { seconds: 10 },
          fn: async () => {
            if (seeded) return;
            const knex = await database.getClient();
            const today = new Date().toISOString().slice(0, 10);
            const current: Snapshot[] = await knex(HISTORY).where({
              day: today,
            });
            if (current.length === 0) return;
            seeded = true;
            if (await knex(HISTORY).where('day', '<', today).first()) return;
            const rows: Snapshot[] = [];
            for (const snapshot of current) {
              let since = today;
              for (let daysAgo = 1; daysAgo < days; daysAgo += 1) {
                const past = pastOf(snapshot, daysAgo, days);
                const day = dayBefore(today, daysAgo);
                if (
                  past.status === snapshot.status &&
                  since === dayBefore(today, daysAgo - 1)
                )
                  since = day;
                rows.push({
                  ...past,
                  day,
                  recorded_at: `${day}T12:00:00.000Z`,
                });
              }
              // The posture's status began when the demo's past says it did.
              await knex(POSTURE)
                .where({ entity_ref: snapshot.entity_ref })
                .update({ status_since: `${since}T06:00:00.000Z` });
            }
            for (let i = 0; i < rows.length; i += 40) {
              await knex(HISTORY)
                .insert(rows.slice(i, i + 40))
                .onConflict(['entity_ref', 'day'])
                .ignore();
            }
            logger.info(
              `Demo: seeded ${rows.length} snapshots of posture history over ${days} days`,
            );
          },
        });
      },
    });
  },
});
