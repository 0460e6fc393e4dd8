import path from 'node:path';

/** The part of node-postgres' client the bench uses (the backend's own `pg`, which has no types). */
interface PgClient {
  connect(): Promise<void>;
  query<R>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
  end(): Promise<void>;
}

const BACKEND_DIR = path.resolve(__dirname, '../../packages/backend');
const { Client } = require(require.resolve('pg', { paths: [BACKEND_DIR] })) as {
  Client: new (options: { connectionString: string }) => PgClient;
};

/** Where the benchmarked backend keeps its databases. */
export type BenchDatabase =
  | { kind: 'sqlite' }
  | {
      kind: 'pg';
      /** A PostgreSQL server URL whose user may create and drop databases. */
      url: string;
    };

/** Prefix of every database a bench backend creates on PostgreSQL (one per plugin). */
const PREFIX = 'defender_apis_bench_';

/** The heading's words for a database choice. */
export function describeDatabase(database: BenchDatabase): string {
  return database.kind === 'pg'
    ? 'PostgreSQL (pg, one database per plugin)'
    : 'SQLite in memory (better-sqlite3)';
}

/** `backend.database` of the benchmarked backend at one size. */
export function backendDatabaseConfig(
  database: BenchDatabase,
  size: number,
): Record<string, unknown> {
  if (database.kind === 'sqlite')
    return { client: 'better-sqlite3', connection: ':memory:' };
  return {
    client: 'pg',
    connection: database.url,
    prefix: `${PREFIX}${size}_`,
  };
}

/**
 * Drops the databases an earlier bench backend of this size left on PostgreSQL, so that each
 * size starts empty as it does in memory. Nothing else on the server is touched.
 */
export async function resetBenchDatabases(
  database: BenchDatabase,
  size: number,
): Promise<string[]> {
  if (database.kind !== 'pg') return [];
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    const prefix = `${PREFIX}${size}_`;
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [prefix],
    );
    for (const { datname } of rows) {
      // Names come from the query above and start with our prefix; quoted all the same.
      await client.query(
        `DROP DATABASE IF EXISTS "${datname.replace(/"/g, '""')}" WITH (FORCE)`,
      );
    }
    return rows.map(r => r.datname);
  } finally {
    await client.end();
  }
}

/**
 * After the bench wrote its seeded history straight into the plugin's database: on PostgreSQL,
 * `VACUUM ANALYZE` of that database, as autovacuum would have done long before in an install
 * that gathered those rows over 90 days (right after a bulk insert, autovacuum runs during the
 * measurements and the planner's statistics are stale). Returns how long it took, ms.
 */
export async function settleSeededDatabase(
  database: BenchDatabase,
  size: number,
  pluginId: string,
): Promise<number | undefined> {
  if (database.kind !== 'pg') return undefined;
  const url = new URL(database.url);
  url.pathname = `/${PREFIX}${size}_${pluginId}`;
  const client = new Client({ connectionString: url.toString() });
  const started = Date.now();
  await client.connect();
  try {
    await client.query('VACUUM ANALYZE');
    return Date.now() - started;
  } finally {
    await client.end();
  }
}
