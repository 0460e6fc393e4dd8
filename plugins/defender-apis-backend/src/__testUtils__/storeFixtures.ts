/**
 * Test databases for store tests: SQLite always, PostgreSQL when
 * BACKSTAGE_TEST_DATABASE_POSTGRES<N>_CONNECTION_STRING names a reachable server (no Docker
 * here; scripts/test.sh starts Debian's PostgreSQL and sets it).
 */
import { DatabaseService } from '@backstage/backend-plugin-api';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { emptyAlerts } from '@defender-apis/plugin-defender-apis-common';
import { Knex } from 'knex';
import { createStores, DefenderApisStores } from '../database/createStores';
import { OnboardingRow } from '../database/onboardingRows';
import { StoredPosture } from '../model/buildPosture';

export const POSTGRES_IDS: TestDatabaseId[] = [
  'POSTGRES_18',
  'POSTGRES_17',
  'POSTGRES_16',
  'POSTGRES_15',
  'POSTGRES_14',
  'POSTGRES_13',
];

/** The databases of this machine, saying when PostgreSQL is left out. */
export function testDatabases(suite: string): TestDatabases {
  const databases = TestDatabases.create({
    ids: [...POSTGRES_IDS, 'SQLITE_3'],
    disableDocker: true,
  });
  if (!POSTGRES_IDS.some(id => databases.supports(id))) {
    // eslint-disable-next-line no-console
    console.warn(
      `${suite}: PostgreSQL tests SKIPPED, no BACKSTAGE_TEST_DATABASE_POSTGRES<N>_CONNECTION_STRING is set; only SQLite runs`,
    );
  }
  return databases;
}

/** The stores on a knex client, as the plugin creates them (migrations included). */
export function storeOn(knex: Knex): Promise<DefenderApisStores> {
  return createStores({
    getClient: async () => knex,
  } as DatabaseService);
}

/** The stores on a fresh, empty database. */
export async function createStore(
  databases: TestDatabases,
  id: TestDatabaseId,
): Promise<DefenderApisStores> {
  return storeOn(await databases.init(id));
}

/** Stored facts of an entity that maps to nothing. */
export function posture(
  entityRef: string,
  extra: Partial<StoredPosture> = {},
): StoredPosture {
  return {
    entityRef,
    owners: ['group:default/team-payments'],
    alerts: emptyAlerts(),
    recommendations: [],
    stale: false,
    ...extra,
  };
}

/** An onboarding request for an API of a service in subscription `s`. */
export function onboarding(
  apiId: string,
  service = 'svc-a',
): Omit<OnboardingRow, 'state'> {
  return {
    apiKey: `/subscriptions/s/resourcegroups/rg/providers/microsoft.apimanagement/service/${service}/apis/${apiId}`,
    serviceKey: `s/rg/${service}`,
    entityRef: `api:default/${apiId}`,
    target: {
      subscriptionId: 's',
      resourceGroup: 'rg',
      serviceName: service,
      apiId,
    },
    requestedBy: 'user:default/paula',
    requestedAt: new Date().toISOString(),
  };
}
