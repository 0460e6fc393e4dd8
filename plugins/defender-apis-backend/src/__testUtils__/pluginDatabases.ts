/**
 * Real `backend.database` configs for whole-plugin tests: a file SQLite database always, and
 * PostgreSQL when DEFENDER_APIS_TEST_POSTGRES_URL names a server (scripts/test.sh starts
 * Debian's and sets it); says when PostgreSQL is left out.
 */
import { JsonObject } from '@backstage/types';
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
