import fs from 'node:fs';
import path from 'node:path';
import { resetBenchDatabases, settleSeededDatabase } from './benchDatabase';
import { BackendProcess, freePort, GcPauses } from './backendProcess';
import { describeProfileWindow, summarizeProfileWindow } from './cpuProfile';
import {
  refreshFileLocation,
  waitForApiEntities,
  waitForEntitiesByName,
} from './catalogControl';
import { EmulatorProcess } from './emulatorProcess';
import {
  backendConfig,
  BenchFixture,
  CHANGED_SHARE_PERCENT,
  ownerOfApi,
  SEEDED_HISTORY_DAYS,
  writeFixture,
} from './fixture';
import { HttpClient } from './httpClient';
import { LoadRoute, RouteStats, runLoad } from './load';
import {
  armRequestKinds,
  belowMeasure,
  catalogPassArmMeasure,
  firstViewMeasure,
  GOALS,
  latencyRatioMeasure,
  Measure,
  MeasureKey,
  refreshArmMeasure,
} from './measures';
import { BenchOptions, CARD_CONCURRENCY, LIST_CONCURRENCY } from './options';
import {
  measureRefresh,
  RefreshRun,
  triggerTask,
  waitForStartupRefresh,
} from './refreshProbe';
import { sleep } from './wait';

const MB = 1024 * 1024;
/** First views are measured at least this long after the last refresh ended. */
const FIRST_VIEWS_AFTER_REFRESH_MS = 65_000;

/** Everything measured at one catalog size. */
export interface SizeResult {
  size: number;
  services: number;
  subscriptions: number;
  /** Supporting figures that have no goal. */
  info: {
    backendStartSeconds: number;
    catalogIngestSeconds: number;
    /** The first full refresh over the whole catalog (creates every stored posture). */
    firstFullRefreshMs: number;
    /** Its RSS growth (as `refresh.memoryGrowth`): every posture written whole. */
    firstFullRefreshRssGrowthMb: number;
    refreshSummaryLine: string;
    /** The history the bench wrote into the plugin's database before the list measures. */
    historySeed: HistorySeed;
  };
  measures: Partial<Record<MeasureKey, Measure>>;
}

/** The history the demo's module seeded in the backend for the bench. */
export interface HistorySeed {
  /** Snapshots written. */
  rows: number;
  /** APIs given a past. */
  apis: number;
  /** Days before today. */
  days: number;
  /** The first seeded day, UTC. */
  from: string;
  ms: number;
}

const DAY_MS = 86_400_000;

/**
 * Has the demo's module (packages/backend/src/demoHistory.ts) give every API 90 days of past
 * before today, inside the backend and its in-memory database: the task's trigger, then its
 * log line. Not the refreshes' own snapshots, and said so in the results.
 */
async function seedHistory(
  backend: BackendProcess,
  size: number,
  progress: Progress,
): Promise<HistorySeed> {
  const mark = backend.log.mark();
  await triggerTask(
    backend,
    await backend.guestToken(),
    'defender-apis-demo-history',
  );
  const line = await backend.log.waitFor(/Demo: seeded posture history/, {
    since: mark,
    timeoutMs: 10 * 60_000,
    stillRunning: () => backend.running,
    what: 'the history seeding',
  });
  const field = (name: string) =>
    Number(new RegExp(`${name}=(\\d+)`).exec(line.text)?.[1] ?? NaN);
  const seed: HistorySeed = {
    rows: field('snapshots'),
    apis: field('apis'),
    days: SEEDED_HISTORY_DAYS,
    from: new Date(Date.now() - SEEDED_HISTORY_DAYS * DAY_MS)
      .toISOString()
      .slice(0, 10),
    ms: field('durationMs'),
  };
  progress(
    `history seeded by the demo's module: ${seed.rows} snapshots of ${seed.apis} APIs over ${seed.days} days in ${seed.ms} ms`,
  );
  if (seed.apis !== size)
    throw new Error(
      `The history seeding gave ${seed.apis} of ${size} APIs a past: not every API had today's snapshot`,
    );
  return seed;
}

/** Progress lines while a size runs. */
export type Progress = (message: string) => void;

/** The processes under test; the emulator is replaced once, for the first views. */
interface Stack {
  emulator: EmulatorProcess;
  backend: BackendProcess;
}

/**
 * Runs every measure at one catalog size against a fresh emulator and a fresh backend, and
 * stops both at the end whatever happened.
 */
export async function runSize(
  size: number,
  options: BenchOptions,
  progress: Progress,
): Promise<SizeResult> {
  const dir = path.join(options.workDir, String(size));
  fs.rmSync(dir, { recursive: true, force: true });
  const fixture = writeFixture(size, dir, options.estate);
  const dropped = await resetBenchDatabases(options.database, size);
  if (dropped.length > 0)
    progress(`dropped ${dropped.length} databases of an earlier run`);
  progress(
    `${size} API entities over ${fixture.services.length} APIM services in ${fixture.subscriptions} subscriptions (files in ${dir})`,
  );

  const emulator = await EmulatorProcess.start({
    scenarioFile: fixture.scenarioFile,
    pageSize: options.pageSize,
    logFile: path.join(dir, 'emulator.log'),
  });
  const stack: Partial<Stack> = { emulator };
  try {
    const port = await freePort();
    const configFile = path.join(dir, 'backend-config.yaml');
    fs.writeFileSync(
      configFile,
      JSON.stringify(
        backendConfig(fixture, {
          port,
          emulatorUrl: emulator.url,
          readVia: options.readVia,
          database: options.database,
        }),
        null,
        2,
      ),
    );
    const startedAt = Date.now();
    const backend = BackendProcess.start({
      configFile,
      port,
      caFile: emulator.caFile,
      logFile: path.join(dir, 'backend.log'),
      ...(options.profile ? { cpuProfileDir: path.join(dir, 'profiles') } : {}),
    });
    stack.backend = backend;
    progress(
      `backend starting on :${port} (pid ${backend.pid}, log ${backend.log.file})`,
    );
    await backend.waitUntilReady(5 * 60_000);
    const backendStartSeconds = (Date.now() - startedAt) / 1000;
    const ingestMs = await waitForApiEntities(
      backend,
      () => backend.guestToken(),
      size,
      Math.max(10 * 60_000, size * 200),
      served => progress(`catalog: ${served} of ${size} API entities`),
    );
    progress(
      `backend ready in ${backendStartSeconds.toFixed(
        1,
      )} s, catalog ingested in ${(ingestMs / 1000).toFixed(1)} s`,
    );

    const refreshes = await refreshPhase(
      stack as Stack,
      fixture,
      options,
      progress,
    );
    const seed = await seedHistory(backend, size, progress);
    const settledMs = await settleSeededDatabase(
      options.database,
      size,
      'defender-apis',
    );
    if (settledMs !== undefined)
      progress(
        `VACUUM ANALYZE of the plugin's database after the seeding: ${settledMs} ms`,
      );
    const measures: SizeResult['measures'] = {
      ...refreshes.measures,
      ...(await cardMeasures(backend, fixture, options, progress)),
      ...(await listMeasures(backend, options, seed, progress)),
      'firstViews.armRequests': await firstViewPhase(
        stack as Stack,
        fixture,
        options,
        refreshes.lastEndedAt,
        progress,
      ),
      ...(await catalogPassPhase(stack as Stack, fixture, progress)),
    };
    return {
      size,
      services: fixture.services.length,
      subscriptions: fixture.subscriptions,
      info: {
        backendStartSeconds,
        catalogIngestSeconds: ingestMs / 1000,
        firstFullRefreshMs: refreshes.firstFullRefreshMs,
        firstFullRefreshRssGrowthMb: refreshes.firstFullRefreshRssGrowthMb,
        refreshSummaryLine: refreshes.summaryLine,
        historySeed: seed,
      },
      measures,
    };
  } finally {
    await stack.backend?.stop();
    await stack.emulator?.stop();
  }
}

/**
 * Waits for the start-up refresh, runs one full refresh to fill the store and warm up, then
 * measures one refresh as is and one with 100 ms added to every ARM request, each after
 * {@link CHANGED_SHARE_PERCENT} of the APIs changed in Azure (the emulator restarted with them).
 */
async function refreshPhase(
  stack: Stack,
  fixture: BenchFixture,
  options: BenchOptions,
  progress: Progress,
) {
  const { backend } = stack;
  const changeApis = async (round: 0 | 1) => {
    stack.emulator = await stack.emulator.restart({
      scenarioFile: fixture.changedScenarioFiles[round],
      pageSize: options.pageSize,
      logFile: path.join(fixture.dir, `emulator-changed-${round + 1}.log`),
    });
    return stack.emulator;
  };
  const timeoutMs = Math.max(5 * 60_000, fixture.size * 120);
  await waitForStartupRefresh(backend, timeoutMs);
  const first = await measureRefresh(
    backend,
    stack.emulator,
    await backend.guestToken(),
    timeoutMs,
    'refresh-first',
  );
  progress(
    `first full refresh: ${first.wallMs} ms, ${first.armRequests} ARM requests`,
  );
  const plain = await measureRefresh(
    backend,
    await changeApis(0),
    await backend.guestToken(),
    timeoutMs,
    'refresh',
  );
  progress(
    `refresh after ${CHANGED_SHARE_PERCENT}% of the APIs changed: ${
      plain.wallMs
    } ms, ${
      plain.armRequests
    } ARM requests, longest health answer ${plain.longestHealthMs.toFixed(
      1,
    )} ms${whereHealthWaited(plain)}`,
  );

  const slowEmulator = await changeApis(1);
  await slowEmulator.addFault({
    match: { pathPattern: '.*' },
    effect: { delayMs: GOALS.addedArmLatencyMs },
  });
  let slow: RefreshRun;
  try {
    slow = await measureRefresh(
      backend,
      slowEmulator,
      await backend.guestToken(),
      timeoutMs,
      'refresh-with-arm-latency',
    );
  } finally {
    await slowEmulator.clearFaults();
  }
  progress(
    `refresh with ${GOALS.addedArmLatencyMs} ms per ARM request: ${
      slow.wallMs
    } ms, longest health answer ${slow.longestHealthMs.toFixed(
      1,
    )} ms${whereHealthWaited(slow)}`,
  );
  const measures: SizeResult['measures'] = {
    ...refreshMeasures(plain, fixture, largestHistoryWrite(backend)),
    'refresh.wallTimeWithArmLatency': belowMeasure(
      `Full refresh wall time, ${GOALS.addedArmLatencyMs} ms added per ARM request`,
      'ms',
      slow.wallMs,
      GOALS.refreshWallWithLatencyMs,
      { armRequests: slow.armRequests },
    ),
    'refresh.longestHealthAnswerWithArmLatency': belowMeasure(
      `Longest health answer during the refresh with ${GOALS.addedArmLatencyMs} ms added per ARM request`,
      'ms',
      slow.longestHealthMs,
      GOALS.longestHealthMs,
      healthDetail(slow),
    ),
  };
  return {
    measures,
    firstFullRefreshMs: first.wallMs,
    firstFullRefreshRssGrowthMb: Math.round(
      (first.memory.peakRss - first.memory.beforeRss) / MB,
    ),
    summaryLine: plain.summaryLine.replace(/^\S+\s+/, ''),
    lastEndedAt: slow.endedAt,
  };
}

/**
 * Creates 20 APIs in Azure (the emulator restarted with them), adds their entities to the
 * catalog and counts the ARM requests of their first views. Waits first until the last refresh
 * is at least a minute old, as nearly every first view is when refreshes are 30 minutes apart,
 * so that reads the plugin shares between first views for a minute (SHARED_READ_TTL_MS in
 * PostureRefresher.ts) are not what is measured; a refresh's own reads serve first views until
 * the next refresh.
 */
async function firstViewPhase(
  stack: Stack,
  fixture: BenchFixture,
  options: BenchOptions,
  lastRefreshEndedAt: number,
  progress: Progress,
) {
  const untilCold =
    FIRST_VIEWS_AFTER_REFRESH_MS - (Date.now() - lastRefreshEndedAt);
  if (untilCold > 0) {
    progress(
      `waiting ${Math.ceil(untilCold / 1000)} s, so that first views come ${
        FIRST_VIEWS_AFTER_REFRESH_MS / 1000
      } s after the last refresh`,
    );
    await sleep(untilCold);
  }
  stack.emulator = await stack.emulator.restart({
    scenarioFile: fixture.scenarioWithNewApisFile,
    pageSize: options.pageSize,
    logFile: path.join(fixture.dir, 'emulator-with-new-apis.log'),
  });
  return firstViews(
    stack.backend,
    stack.emulator,
    fixture,
    lastRefreshEndedAt,
    progress,
  );
}

function refreshMeasures(
  run: RefreshRun,
  fixture: BenchFixture,
  dayFirst?: { durationMs: number; written: number },
): SizeResult['measures'] {
  return {
    'refresh.armRequests': refreshArmMeasure(
      run.armRequests,
      fixture.size,
      run.armRequestsIsLowerBound,
      run.armRequestKinds,
    ),
    'refresh.wallTime': belowMeasure(
      'Full refresh wall time',
      'ms',
      run.wallMs,
      GOALS.refreshWallMs,
    ),
    'refresh.longestHealthAnswer': belowMeasure(
      'Longest health answer during a refresh',
      'ms',
      run.longestHealthMs,
      GOALS.longestHealthMs,
      healthDetail(run),
    ),
    'refresh.memoryGrowth': belowMeasure(
      'Backend RSS growth over one refresh (peak - before)',
      'MB',
      (run.memory.peakRss - run.memory.beforeRss) / MB,
      GOALS.memoryGrowthMb,
      {
        beforeMb: Math.round(run.memory.beforeRss / MB),
        peakMb: Math.round(run.memory.peakRss / MB),
        afterMb: Math.round(run.memory.afterRss / MB),
        ...(run.memory.heap
          ? {
              heapUsedBeforeMb: Math.round(run.memory.heap.beforeUsed / MB),
              heapUsedPeakMb: Math.round(run.memory.heap.peakUsed / MB),
              heapUsedAfterMb: Math.round(run.memory.heap.afterUsed / MB),
            }
          : {}),
        entities: fixture.size,
      },
    ),
    'refresh.historyWrite': historyWriteMeasure(run, dayFirst),
  };
}

/**
 * The day's history snapshots the refresh wrote, against its wall time; beside it, the
 * backend's largest history write of the run (the day's first, when every snapshot is new).
 */
function historyWriteMeasure(
  run: RefreshRun,
  dayFirst: { durationMs: number; written: number } | undefined,
): Measure {
  const ms = run.historyWrite?.durationMs ?? 0;
  const ratio = ms / run.wallMs;
  return {
    label: "Refresh's history write vs its wall time",
    unit: 'ms',
    value: ms,
    baseline: run.wallMs,
    ratio: Math.round(ratio * 1000) / 1000,
    goal: `<= ${GOALS.historyWriteShareOfRefresh}x the refresh's wall time`,
    met: ratio <= GOALS.historyWriteShareOfRefresh,
    detail: {
      snapshotsWritten: run.historyWrite?.written ?? 0,
      ...(dayFirst ? { largestWrite: dayFirst } : {}),
    },
  };
}

/** The backend's largest history write so far, from its log lines. */
function largestHistoryWrite(
  backend: BackendProcess,
): { durationMs: number; written: number } | undefined {
  const field = (text: string, name: string) =>
    Number(new RegExp(`${name}=(\\d+)`).exec(text)?.[1] ?? NaN);
  return backend.log
    .find(/Recorded posture history/)
    .map(line => ({
      durationMs: field(line.text, 'durationMs'),
      written: field(line.text, 'written'),
    }))
    .filter(w => Number.isFinite(w.written))
    .sort((a, b) => b.written - a.written)[0];
}

/**
 * What explains a long health answer: how many were asked, when the longest was, and the
 * longest pause of the backend's heap sampler with the heap used across it (a large drop is a
 * major garbage collection).
 */
/** With a profile, where the backend's time went while the longest health answer waited. */
function whereHealthWaited(run: RefreshRun): string {
  const profile = run.longestHealthProfile;
  if (!profile) return '';
  return `; ${describeProfileWindow(profile, profile.file)}`;
}

function healthDetail(run: RefreshRun): Record<string, unknown> {
  const gap = run.memory.heap?.longestGap;
  const profile = run.longestHealthProfile;
  return {
    ...(profile
      ? {
          profile: profile.file,
          busyWhileWaitingMs: profile.busyMs,
          busyIn: profile.product,
          busiestFunctions: profile.self,
        }
      : {}),
    samples: run.healthSamples,
    longestAskedMsIntoRefresh: run.longestHealthAtMs,
    ...(gap
      ? {
          heapSamplerLongestPauseMs: gap.ms,
          heapUsedAcrossPauseMb: `${Math.round(
            gap.usedBefore / MB,
          )} -> ${Math.round(gap.usedAfter / MB)}`,
        }
      : {}),
  };
}

/** The i-th entity name of a load run, spread over the whole catalog. */
function spread(names: string[]): (i: number) => string {
  const stride = gcd(7919, names.length) === 1 ? 7919 : 1;
  return i => names[(i * stride) % names.length];
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Card route vs the catalog's by-name route over the same entities, at 1, 16 and 64 clients. */
async function cardMeasures(
  backend: BackendProcess,
  fixture: BenchFixture,
  options: BenchOptions,
  progress: Progress,
) {
  const name = spread(fixture.entityNames);
  const routes: LoadRoute[] = [
    {
      name: 'card',
      path: i => `/api/defender-apis/posture/api/default/${name(i)}`,
    },
    {
      name: 'byName',
      path: i => `/api/catalog/entities/by-name/api/default/${name(i)}`,
    },
  ];
  const [card, byName] = routes;
  const measures: SizeResult['measures'] = {};
  for (const concurrency of CARD_CONCURRENCY) {
    const gcs: Record<string, GcPauses> = {};
    const run = async (only: LoadRoute[], label?: string) => {
      const from = Date.now();
      const stats = await load(
        backend,
        only,
        concurrency,
        options.load.card[concurrency],
        options,
      );
      // A pause of the backend's one thread holds every request in flight: at 16 clients
      // one pause as long as the p99 is enough to make it.
      if (label) gcs[label] = backend.gcPauses(from, Date.now());
      return stats;
    };
    // The interleaved run first: it warms both routes' connection pools to this concurrency
    // alike. Then each route alone, the card both before and after by-name: in one
    // interleaved run both wait in one queue and each inherits the other's cost, which hides
    // the card's tail.
    const interleaved = await run(routes);
    const profiled =
      backend.profiles && concurrency === Math.max(...CARD_CONCURRENCY);
    const profileStart = Date.now();
    if (profiled) await backend.startProfile();
    const cardFirst = (await run([card], 'cardFirst')).get('card')!;
    const profile = profiled
      ? await summarizeLoadProfile(
          backend,
          `card-c${concurrency}`,
          profileStart,
          progress,
        )
      : undefined;
    const byNameAlone = (await run([byName], 'byName')).get('byName')!;
    const cardSecond = (await run([card], 'cardSecond')).get('card')!;
    const worse = cardFirst.p99 >= cardSecond.p99 ? cardFirst : cardSecond;
    progress(
      `card at ${concurrency} clients, alone: p50/p99 ${fmt(
        cardFirst,
      )} ms (first), ${fmt(cardSecond)} ms (after by-name) vs by-name ${fmt(
        byNameAlone,
      )} ms; interleaved: ${fmt(interleaved.get('card')!)} vs ${fmt(
        interleaved.get('byName')!,
      )} ms; longest GC pause (major GCs) card first / by-name / card second: ${[
        'cardFirst',
        'byName',
        'cardSecond',
      ]
        .map(l => `${gcs[l].longestMs.toFixed(1)} ms (${gcs[l].major})`)
        .join(' / ')}`,
    );
    const measure = latencyRatioMeasure(
      `Card p99 vs catalog by-name p99, each alone, ${concurrency} client${
        concurrency > 1 ? 's' : ''
      }`,
      worse,
      byNameAlone,
      GOALS.cardVsByName,
      'by-name',
    );
    measures[`card.c${concurrency}` as MeasureKey] = {
      ...measure,
      detail: {
        ...measure.detail,
        cardFirstP99: cardFirst.p99,
        cardSecondP99: cardSecond.p99,
        gcPauses: gcs,
        interleaved: {
          cardP99: interleaved.get('card')!.p99,
          byNameP99: interleaved.get('byName')!.p99,
        },
        ...(profile ? { profile } : {}),
      },
    };
  }
  return measures;
}

/**
 * Stops the profile of a load run and says where the backend's CPU went over all of it: the
 * product's innermost frames and the busiest functions (the same summary as the health wait's).
 */
async function summarizeLoadProfile(
  backend: BackendProcess,
  name: string,
  from: number,
  progress: Progress,
) {
  const file = await backend.stopProfile(name);
  const window = summarizeProfileWindow(file, from, Date.now(), 12);
  progress(`profile of ${name}: ${describeProfileWindow(window, file)}`);
  return { file, ...window };
}

/** The routes of the list comparisons, in the order of the table, with their labels. */
const LIST_ROUTES = {
  summary: 'Summary',
  list: 'List (atRisk, 50)',
  historyOwner: "History of an owner's APIs (90 days)",
  historyCatalog: 'History of the whole catalog (90 days)',
} as const;

/**
 * Summary, filtered list and history routes vs the catalog's entity-facets, at 1 and 8
 * clients, interleaved in one run. The histories cover the seeded days and today.
 */
async function listMeasures(
  backend: BackendProcess,
  options: BenchOptions,
  seed: HistorySeed,
  progress: Progress,
) {
  const owner = encodeURIComponent(`group:default/${ownerOfApi(0)}`);
  const routes: LoadRoute[] = [
    { name: 'summary', path: () => '/api/defender-apis/summary' },
    {
      name: 'list',
      path: () => '/api/defender-apis/posture?status=atRisk&limit=50',
    },
    {
      name: 'historyOwner',
      path: () => `/api/defender-apis/history?owner=${owner}&from=${seed.from}`,
    },
    {
      name: 'historyCatalog',
      path: () => `/api/defender-apis/history?from=${seed.from}`,
    },
    { name: 'facets', path: () => '/api/catalog/entity-facets?facet=kind' },
  ];
  const measures: SizeResult['measures'] = {};
  for (const concurrency of LIST_CONCURRENCY) {
    const stats = await load(
      backend,
      routes,
      concurrency,
      options.load.lists[concurrency],
      options,
    );
    const facets = stats.get('facets')!;
    for (const route of Object.keys(LIST_ROUTES) as Array<
      keyof typeof LIST_ROUTES
    >) {
      const ours = stats.get(route)!;
      progress(
        `${route} at ${concurrency} clients: p50/p99 ${fmt(
          ours,
        )} ms vs entity-facets ${fmt(facets)} ms`,
      );
      measures[`${route}.c${concurrency}` as MeasureKey] = latencyRatioMeasure(
        `${LIST_ROUTES[route]} p99 vs entity-facets p99, ${concurrency} client${
          concurrency > 1 ? 's' : ''
        }`,
        ours,
        facets,
        GOALS.listVsFacets,
        'entity-facets',
      );
    }
  }
  return measures;
}

async function load(
  backend: BackendProcess,
  routes: LoadRoute[],
  concurrency: number,
  requestsPerRoute: number,
  options: BenchOptions,
): Promise<Map<string, RouteStats>> {
  const client = new HttpClient(backend.url, {
    maxSockets: concurrency,
    timeoutMs: 120_000,
  });
  try {
    const headers = { authorization: `Bearer ${await backend.guestToken()}` };
    const stats = await runLoad(client, headers, routes, {
      concurrency,
      requestsPerRoute,
      warmupPerRoute: options.load.warmup,
      maxMs: options.load.maxMsPerRun,
    });
    for (const s of stats.values()) {
      if (s.samples === 0)
        throw new Error(
          `Every request to the ${s.route} route failed: ${s.firstFailure}`,
        );
    }
    return stats;
  } finally {
    client.close();
  }
}

function fmt(s: RouteStats): string {
  return `${s.p50.toFixed(1)}/${s.p99.toFixed(1)}${
    s.errors ? ` (${s.errors} errors)` : ''
  }`;
}

/**
 * Adds the 20 new API entities to their catalog file and has the catalog read it, waits until
 * the catalog serves them, then opens all their cards at once and counts the ARM requests
 * that caused.
 */
async function firstViews(
  backend: BackendProcess,
  emulator: EmulatorProcess,
  fixture: BenchFixture,
  lastRefreshEndedAt: number,
  progress: Progress,
): Promise<Measure> {
  const token = await backend.guestToken();
  fs.writeFileSync(fixture.lateCatalogFile, fixture.lateCatalog);
  await refreshFileLocation(backend, token, fixture.lateCatalogFile);
  await waitForEntitiesByName(
    backend,
    token,
    fixture.lateEntityNames,
    5 * 60_000,
  );
  await emulator.clearRequests();
  const client = new HttpClient(backend.url, {
    maxSockets: fixture.lateEntityNames.length,
  });
  try {
    const answers = await Promise.all(
      fixture.lateEntityNames.map(name =>
        client.request(
          'GET',
          `/api/defender-apis/posture/api/default/${name}`,
          { headers: { authorization: `Bearer ${token}` } },
        ),
      ),
    );
    const failed = answers.filter(a => a.status !== 200);
    if (failed.length > 0)
      throw new Error(
        `${failed.length} first views failed: ${
          failed[0].status
        } ${failed[0].body.slice(0, 300)}`,
      );
    const statuses: Record<string, number> = {};
    for (const a of answers) {
      const status = String(JSON.parse(a.body).status);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
    const requests = await emulator.requests();
    const secondsSinceLastRefresh = Math.round(
      (Date.now() - lastRefreshEndedAt) / 1000,
    );
    progress(
      `first views of ${answers.length} entities, ${secondsSinceLastRefresh} s after the last refresh: ${requests.length} ARM requests`,
    );
    return firstViewMeasure(requests.length, answers.length, {
      byKind: armRequestKinds(requests.map(r => r.path)),
      postureStatuses: statuses,
      secondsSinceLastRefresh,
    });
  } finally {
    client.close();
  }
}

/** ANSI colour codes of the development logger, which sit inside its key=value fields. */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const PASS_DONE = /Passed over the catalog for API changes/;

/**
 * Adds 20 more API entities that nobody views (their APIs exist in the emulator already) and
 * has the catalog read them, then waits for the scheduled catalog pass to put them in
 * `GET /summary`: the time from the catalog serving them to the summary counting them all, and
 * the ARM requests and wall time of the pass that read them.
 */
async function catalogPassPhase(
  stack: Stack,
  fixture: BenchFixture,
  progress: Progress,
): Promise<SizeResult['measures']> {
  const { backend, emulator } = stack;
  const token = await backend.guestToken();
  const auth = { authorization: `Bearer ${token}` };
  const summary = () =>
    backend.http.getJson<{ total: number; pending: number }>(
      '/api/defender-apis/summary',
      auth,
    );
  const before = await summary();
  const expected =
    before.total + before.pending + fixture.passEntityNames.length;
  // Marked before the entities exist: the pass may read them before the bench sees them served.
  const mark = backend.log.mark();
  await emulator.clearRequests();
  const written = Date.now();
  fs.writeFileSync(fixture.passCatalogFile, fixture.passCatalog);
  await refreshFileLocation(backend, token, fixture.passCatalogFile);
  const servedAt = waitForEntitiesByName(
    backend,
    token,
    fixture.passEntityNames,
    5 * 60_000,
  ).then(
    () => Date.now(),
    () => Number.POSITIVE_INFINITY,
  );
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    const now = await summary();
    if (now.pending === 0 && now.total >= expected) break;
    if (Date.now() > deadline)
      throw new Error(
        `GET /summary did not count the ${fixture.passEntityNames.length} new entities within 5 minutes (total ${now.total}, pending ${now.pending}, expected ${expected})`,
      );
    await sleep(250);
  }
  const counted = Date.now();
  // The catalog serves an entity before the pass can read it; the by-name poll sees it within
  // a second, so it may see it after the summary counts it.
  const served = Math.min(await servedAt, counted);
  const requests = await emulator.requests();
  const line = backend.log.find(PASS_DONE, mark)[0]?.text.replace(ANSI, '');
  const passMs = Number(/durationMs=(\d+)/.exec(line ?? '')?.[1] ?? NaN);
  progress(
    `catalog pass: ${
      fixture.passEntityNames.length
    } new entities in GET /summary ${((counted - served) / 1000).toFixed(
      1,
    )} s after the catalog served them; the pass took ${passMs} ms and ${
      requests.length
    } ARM requests`,
  );
  return {
    'catalogPass.armRequests': catalogPassArmMeasure(
      requests.length,
      fixture.passEntityNames.length,
      {
        byKind: armRequestKinds(requests.map(r => r.path)),
        passWallMs: passMs,
        passLogLine: line?.slice(0, 400),
      },
    ),
    'catalogPass.timeToSummary': belowMeasure(
      `Time from the catalog serving ${fixture.passEntityNames.length} new API entities to GET /summary counting them`,
      'ms',
      counted - served,
      GOALS.catalogPassWithinMs,
      { passWallMs: passMs, fromFileWrittenMs: counted - written },
    ),
  };
}
