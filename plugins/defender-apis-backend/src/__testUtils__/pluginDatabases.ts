/**
 * Real `backend.database` configs for whole-plugin tests: a file SQLite database always, and
 * PostgreSQL when DEFENDER_APIS_TEST_POSTGRES_URL names a server (scripts/test.sh starts
 * Debian's and sets it); says when PostgreSQL is left out.
 */
import { JsonObject } from '@backstage/types';
import { Knex, knex as createKnex } from 'knex';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Name and a maker of a fresh database config, per database of this machine. */
export function pluginDatabases(
  suite: string,
): Array<[string, () => JsonObject]> {
  const databases: Array<[string, () => JsonObject]> = [
    [
      'a file SQLite database',
      () => ({
        client: 'better-sqlite3',
        connection: {
          directory: fs.mkdtempSync(path.join(os.tmpdir(), `${suite}-`)),
        },
      }),
    ],
  ];
  const url = process.env.DEFENDER_APIS_TEST_POSTGRES_URL;
  if (url) {
    databases.push([
      'PostgreSQL',
      () => ({
        client: 'pg',
        connection: url,
        prefix: `${suite.replace(/\W/g, '_')}_${randomBytes(4).toString(
          'hex',
        )}_`,
      }),
    ]);
  } else {
    // eslint-disable-next-line no-console
    console.warn(
      `${suite}: PostgreSQL case SKIPPED, DEFENDER_APIS_TEST_POSTGRES_URL is not set; only file SQLite runs`,
    );
  }
  return databases;
}

/**
 * A knex client on the database the plugin gets from a config of {@link pluginDatabases}, as
 * Backstage's database service names it (`<directory>/defender-apis.sqlite`, or the
 * `<prefix>defender-apis` database), for a test to seed or inspect rows directly.
 */
export function pluginKnex(config: JsonObject): Knex {
  if (config.client === 'pg') {
    const url = new URL(String(config.connection));
    url.pathname = `/${config.prefix}defender-apis`;
    return createKnex({ client: 'pg', connection: url.toString() });
  }
  const { directory } = config.connection as { directory: string };
  return createKnex({
    client: 'better-sqlite3',
    connection: { filename: path.join(directory, 'defender-apis.sqlite') },
    useNullAsDefault: true,
  });
}
