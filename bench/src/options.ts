import path from 'node:path';
import { parseArgs } from 'node:util';
import { BenchDatabase } from './benchDatabase';

const REPO_ROOT = path.resolve(__dirname, '../..');

/** How many requests each load run sends, per route. */
export interface LoadSizes {
  /** Card vs by-name, per concurrency. */
  card: Record<number, number>;
  /** Summary and filtered list vs entity-facets, per concurrency. */
  lists: Record<number, number>;
  /** Unmeasured requests per route before each run. */
  warmup: number;
  /** Cap of one load run; it ends early (and says how many ran) after this long. */
  maxMsPerRun: number;
}

/** The bench's settings, from the command line. */
export interface BenchOptions {
  sizes: number[];
  smoke: boolean;
  /** Items per page of the emulator's ARM lists. */
  pageSize: number;
  /** The backend's `defenderApis.azure.readVia`: where refreshes read security data. */
  readVia: 'arm' | 'resourceGraph';
  /** Where the backend keeps its databases: SQLite in memory or a PostgreSQL server. */
  database: BenchDatabase;
  /** Records CPU profiles of the measured refreshes and says where the longest health wait went. */
  profile: boolean;
  /** The estate's shape; absent: one service per 200 APIs, in up to 3 subscriptions. */
  estate: EstateShape;
  load: LoadSizes;
  /** Where the JSON results go. */
  outFile: string;
  /** Generated files and process logs. */
  workDir: string;
}

/** How many APIM services and subscriptions hold a size's APIs; absent: the defaults. */
export interface EstateShape {
  services?: number;
  subscriptions?: number;
}

/** Concurrencies of the card comparison (the goal's 1, 16 and 64 clients). */
export const CARD_CONCURRENCY = [1, 16, 64];
/** Concurrencies of the summary and list comparisons (the goal's 1 and 8 clients). */
export const LIST_CONCURRENCY = [1, 8];

/** `yarn bench --help`. */
export const USAGE = `Usage: yarn bench [--sizes 100,1000,10000] [--smoke] [--page-size N] [--read-via arm|resourceGraph] [--db sqlite|pg] [--pg-url URL] [--services N] [--subscriptions N] [--profile] [--out FILE]

  --sizes LIST     catalog sizes (API entities) to run, one backend each (default 100,1000,10000)
  --smoke          size 100 and few requests, to check the bench works (about 2 minutes);
                   writes .cache/bench/smoke.json instead of bench/results/latest.json
  --page-size N    items per page of the emulator's ARM lists (default 100)
  --read-via WHERE where refreshes read collections, assessments and alerts: resourceGraph
                   (default, Azure Resource Graph queries) or arm (the lists per subscription)
  --db WHICH       the backend's databases: sqlite (default, in memory) or pg (PostgreSQL; each
                   size drops and recreates its own databases, named defender_apis_bench_<size>_*)
  --pg-url URL     the PostgreSQL server for --db pg, a user that may create databases (default:
                   $DEFENDER_APIS_TEST_POSTGRES_URL)
  --services N     APIM services holding each size's APIs (default: one per 200 APIs)
  --subscriptions N  subscriptions the services are spread over (default: up to 3)
  --profile        record V8 CPU profiles of the measured refreshes and of the card alone at 64
                   clients (files beside the backend's log) and print where the backend's time
                   went: during the longest health answer, and over the card's run
  --out FILE       where to write the JSON results
  --help           show this help

Starts the ARM emulator and the real backend (packages/backend) per size, measures, prints
a table with every size side by side, and writes the results. See docs/benchmarks.md.`;

/** Parses the command line; 'help' when help was asked for. Throws on bad input. */
export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      sizes: { type: 'string' },
      smoke: { type: 'boolean' },
      'page-size': { type: 'string' },
      'read-via': { type: 'string' },
      profile: { type: 'boolean' },
      services: { type: 'string' },
      subscriptions: { type: 'string' },
      db: { type: 'string' },
      'pg-url': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  const smoke = values.smoke ?? false;
  const sizes = (values.sizes ?? (smoke ? '100' : '100,1000,10000'))
    .split(',')
    .map(s => {
      const n = Number(s.trim().replace(/_/g, ''));
      if (!Number.isInteger(n) || n < 20)
        throw new Error(
          `--sizes takes whole numbers of at least 20, found "${s}"`,
        );
      return n;
    });
  const pageSize = Number(values['page-size'] ?? 100);
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new Error(
      `--page-size takes a whole number of at least 1, found "${values['page-size']}"`,
    );
  }
  const readVia = values['read-via'] ?? 'resourceGraph';
  if (readVia !== 'arm' && readVia !== 'resourceGraph') {
    throw new Error(
      `--read-via takes arm or resourceGraph, found "${readVia}"`,
    );
  }
  const load: LoadSizes = smoke
    ? {
        card: { 1: 30, 16: 64, 64: 128 },
        lists: { 1: 20, 8: 32 },
        warmup: 5,
        maxMsPerRun: 20_000,
      }
    : {
        card: { 1: 400, 16: 1600, 64: 3200 },
        lists: { 1: 200, 8: 400 },
        warmup: 30,
        maxMsPerRun: 180_000,
      };
  return {
    sizes,
    smoke,
    pageSize,
    readVia,
    database: parseDatabase(values.db, values['pg-url']),
    profile: values.profile ?? false,
    estate: {
      ...(values.services !== undefined
        ? { services: wholeNumber('--services', values.services) }
        : {}),
      ...(values.subscriptions !== undefined
        ? {
            subscriptions: wholeNumber('--subscriptions', values.subscriptions),
          }
        : {}),
    },
    load,
    outFile: path.resolve(
      values.out ??
        path.join(
          REPO_ROOT,
          smoke ? '.cache/bench/smoke.json' : 'bench/results/latest.json',
        ),
    ),
    workDir: path.join(REPO_ROOT, '.cache/bench', smoke ? 'smoke' : 'run'),
  };
}

function parseDatabase(
  db: string | undefined,
  pgUrl: string | undefined,
): BenchDatabase {
  const kind = db ?? 'sqlite';
  if (kind === 'sqlite') {
    if (pgUrl)
      throw new Error('--pg-url goes with --db pg, found it with --db sqlite');
    return { kind };
  }
  if (kind !== 'pg')
    throw new Error(`--db takes sqlite or pg, found "${kind}"`);
  const url = pgUrl ?? process.env.DEFENDER_APIS_TEST_POSTGRES_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url))
    throw new Error(
      `--db pg needs a server URL (postgresql://user:password@host:port) in --pg-url or DEFENDER_APIS_TEST_POSTGRES_URL, found ${
        url ? `"${url.replace(/:[^:@/]*@/, ':…@')}"` : 'neither'
      }`,
    );
  return { kind, url };
}

function wholeNumber(flag: string, value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1)
    throw new Error(
      `${flag} takes a whole number of at least 1, found "${value}"`,
    );
  return n;
}
