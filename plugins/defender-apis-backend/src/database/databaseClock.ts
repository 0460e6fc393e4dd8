import { Knex } from 'knex';

/**
 * The database's time in epoch milliseconds. Leases and pacing compare times written by
 * different replicas: read from the one database, a replica whose own clock is minutes off
 * neither takes over a running operation early nor starts one before its pace.
 */
export async function databaseNowMs(
  db: Knex | Knex.Transaction,
): Promise<number> {
  const client = String(db.client.config.client);
  if (client === 'pg') {
    const result = await db.raw(
      'select floor(extract(epoch from clock_timestamp()) * 1000) as now_ms',
    );
    return Number(result.rows[0].now_ms);
  }
  if (client === 'better-sqlite3' || client.includes('sqlite')) {
    const rows = await db.raw(
      "select cast(round((julianday('now') - 2440587.5) * 86400000) as integer) as now_ms",
    );
    return Number(rows[0].now_ms);
  }
  // Other databases are not supported by the plugin's tests; the local clock stands in.
  return Date.now();
}
