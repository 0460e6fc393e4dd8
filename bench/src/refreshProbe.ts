import {
  BackendProcess,
  HeapSample,
  readMemory,
  resetPeakRss,
} from './backendProcess';
import { ProfileWindow, summarizeProfileWindow } from './cpuProfile';
import { EMULATOR_LOG_LIMIT, EmulatorProcess } from './emulatorProcess';
import { HttpClient } from './httpClient';
import { armRequestKinds } from './measures';
import { sleep } from './wait';

const TASK_ROUTE = '/api/defender-apis/.backstage/scheduler/v1/tasks';
const TASK_ID = 'defender-apis-refresh';
const REFRESH_STARTED = /Refreshing Defender for APIs posture/;
const REFRESH_DONE = /Refreshed Defender for APIs posture/;
/** Logged by the refresh (before it ends) when it wrote the day's history snapshots. */
const HISTORY_RECORDED = /Recorded posture history/;
/** The scheduler logs a failed run at level error with the task id. */
const REFRESH_FAILED = new RegExp(`\\serror\\s.*task="?${TASK_ID}`);
const HEALTH_ROUTE = '/api/defender-apis/health';
const MEMORY_SAMPLE_MS = 50;

/** What one full refresh cost and how the backend answered meanwhile. */
export interface RefreshRun {
  /** From the plugin's "Refreshing" log line to its "Refreshed" line, by their timestamps. */
  wallMs: number;
  /** When it ended (epoch ms, the "Refreshed" line's timestamp). */
  endedAt: number;
  /** ARM requests the emulator saw during the refresh. */
  armRequests: number;
  /** True when the emulator's bounded log was full: the count is then a lower bound. */
  armRequestsIsLowerBound: boolean;
  /** Those requests by kind (pricings, alerts, assessments, apiCollections, service, apis). */
  armRequestKinds: Record<string, number>;
  /**
   * The day's history snapshots the refresh wrote at its end (inside `wallMs`): how long the
   * write took and how many snapshots it wrote; absent when it wrote none.
   */
  historyWrite?: { durationMs: number; written: number };
  /** Longest `GET /api/defender-apis/health` answer overlapping the refresh, ms. */
  longestHealthMs: number;
  /** When that answer was asked, ms after the refresh's start. */
  longestHealthAtMs: number;
  /** Health requests that overlapped the refresh. */
  healthSamples: number;
  /**
   * Where the backend's CPU time went while the longest health answer waited, when the
   * refresh was profiled (`yarn bench --profile`); the profile's file beside it.
   */
  longestHealthProfile?: ProfileWindow & { file: string };
  memory: {
    /** RSS just before the plugin logged the refresh's start (sampled every 50 ms), bytes. */
    beforeRss: number;
    /** RSS once the refresh ended, bytes. */
    afterRss: number;
    /** Highest RSS from the start to the end of the refresh (samples and the kernel's peak), bytes. */
    peakRss: number;
    /**
     * V8's used heap, sampled in the backend every 50 ms: the last sample before the start,
     * the highest until the end and the last one by then, bytes. Absent without samples.
     */
    heap?: {
      beforeUsed: number;
      peakUsed: number;
      afterUsed: number;
      /**
       * The longest stretch without a heap sample (the backend's event loop did not run its
       * timers), with the used heap on both sides: a large drop is a major garbage collection.
       */
      longestGap: { ms: number; usedBefore: number; usedAfter: number };
    };
  };
  /** The plugin's closing log line, with its summary fields. */
  summaryLine: string;
}

/** Before, peak and after of heap samples whose first one precedes the refresh. */
function heapOver(
  samples: HeapSample[],
): NonNullable<RefreshRun['memory']['heap']> | undefined {
  if (samples.length < 2) return undefined;
  let gap = { ms: 0, usedBefore: 0, usedAfter: 0 };
  for (let i = 1; i < samples.length; i++) {
    const ms = samples[i].at - samples[i - 1].at;
    if (ms > gap.ms) {
      gap = { ms, usedBefore: samples[i - 1].used, usedAfter: samples[i].used };
    }
  }
  return {
    beforeUsed: samples[0].used,
    peakUsed: Math.max(...samples.slice(1).map(s => s.used)),
    afterUsed: samples[samples.length - 1].used,
    longestGap: gap,
  };
}

/** Health answers seen by the poller, with when each was sent (epoch ms). */
interface HealthSample {
  sentAt: number;
  ms: number;
  status: number;
}

/** The longest health answer among `during` and when it was asked after `startedAt`. */
function longestOf(
  during: HealthSample[],
  startedAt: number,
): Pick<RefreshRun, 'longestHealthMs' | 'longestHealthAtMs'> {
  const longest = during.reduce<HealthSample | undefined>(
    (max, s) => (max && max.ms >= s.ms ? max : s),
    undefined,
  );
  return {
    longestHealthMs: longest?.ms ?? 0,
    longestHealthAtMs: longest ? longest.sentAt - startedAt : 0,
  };
}

/**
 * Triggers one full refresh through Backstage's scheduler and measures it: wall time from the
 * plugin's own log lines, ARM requests from the emulator's log, the longest answer of the
 * health route polled back to back the whole time, and the backend process's RSS. When the
 * backend profiles, the refresh is recorded as `<profileName>.cpuprofile`.
 */
export async function measureRefresh(
  backend: BackendProcess,
  emulator: EmulatorProcess,
  token: string,
  timeoutMs: number,
  profileName = 'refresh',
): Promise<RefreshRun> {
  await emulator.clearRequests();
  const mark = backend.log.mark();

  let polling = true;
  const health = new HttpClient(backend.url, { maxSockets: 1, timeoutMs });
  const samples: HealthSample[] = [];
  const poller = (async () => {
    while (polling) {
      const sentAt = Date.now();
      try {
        const res = await health.request('GET', HEALTH_ROUTE);
        samples.push({ sentAt, ms: res.ms, status: res.status });
      } catch {
        samples.push({ sentAt, ms: Date.now() - sentAt, status: 0 });
        await sleep(50);
      }
    }
  })();
  // RSS over time: the trigger reaches the scheduler's next poll (up to 5 s later), so the
  // figure before the refresh is the last sample before the plugin logs its start.
  const rss: Array<{ at: number; rss: number }> = [
    { at: Date.now(), rss: readMemory(backend.pid).rss },
  ];
  const sampler = setInterval(() => {
    try {
      rss.push({ at: Date.now(), rss: readMemory(backend.pid).rss });
    } catch {
      // the process is gone; the wait below reports it
    }
  }, MEMORY_SAMPLE_MS);

  let profiling = false;
  try {
    if (backend.profiles) {
      await backend.startProfile();
      profiling = true;
    }
    await triggerRefresh(backend, token);
    const wait = {
      timeoutMs,
      failure: REFRESH_FAILED,
      stillRunning: () => backend.running,
    };
    const started = await backend.log.waitFor(REFRESH_STARTED, {
      ...wait,
      since: mark,
      what: 'the triggered refresh to start',
    });
    // The kernel's peak catches what 50 ms samples miss; it starts from here, a moment late.
    const kernelPeak = resetPeakRss(backend.pid);
    const done = await backend.log.waitFor(REFRESH_DONE, {
      ...wait,
      since: started.index,
      what: 'the refresh to finish',
    });
    const after = readMemory(backend.pid);
    const before = [...rss].reverse().find(r => r.at <= started.time) ?? rss[0];
    const sampledPeak = Math.max(
      ...rss.filter(r => r.at >= started.time).map(r => r.rss),
      after.rss,
    );
    polling = false;
    await poller;
    const profileFile = profiling
      ? await backend.stopProfile(profileName)
      : undefined;
    profiling = false;
    const during = samples.filter(
      s => s.sentAt <= done.time && s.sentAt + s.ms >= started.time,
    );
    const failedHealth = during.filter(s => s.status !== 200);
    if (failedHealth.length > 0) {
      throw new Error(
        `The health route failed ${failedHealth.length} times during the refresh (status ${failedHealth[0].status})`,
      );
    }
    const history = backend.log
      .find(HISTORY_RECORDED, started.index)
      .filter(line => line.index < done.index)
      .pop();
    const fieldOf = (name: string) =>
      Number(new RegExp(`${name}=(\\d+)`).exec(history?.text ?? '')?.[1]);
    const heap = heapOver(backend.heapSamples(started.time, done.time));
    const requests = await emulator.requests();
    const longest = longestOf(during, started.time);
    return {
      wallMs: done.time - started.time,
      endedAt: done.time,
      armRequests: requests.length,
      armRequestsIsLowerBound: requests.length >= EMULATOR_LOG_LIMIT,
      armRequestKinds: armRequestKinds(requests.map(r => r.path)),
      ...(history
        ? {
            historyWrite: {
              durationMs: fieldOf('durationMs'),
              written: fieldOf('written'),
            },
          }
        : {}),
      ...longest,
      healthSamples: during.length,
      ...(profileFile
        ? {
            longestHealthProfile: {
              file: profileFile,
              ...summarizeProfileWindow(
                profileFile,
                started.time + longest.longestHealthAtMs,
                started.time +
                  longest.longestHealthAtMs +
                  longest.longestHealthMs,
              ),
            },
          }
        : {}),
      memory: {
        beforeRss: before.rss,
        afterRss: after.rss,
        peakRss: Math.max(sampledPeak, kernelPeak ? after.peakRss : 0),
        ...(heap ? { heap } : {}),
      },
      summaryLine: done.text,
    };
  } finally {
    polling = false;
    clearInterval(sampler);
    await poller;
    health.close();
    if (profiling) await backend.stopProfile(`${profileName}-failed`);
  }
}

/** Asks the scheduler to run the refresh now; waits while a run is still going. */
async function triggerRefresh(
  backend: BackendProcess,
  token: string,
): Promise<void> {
  return triggerTask(backend, token, TASK_ID);
}

/** Has the plugin's scheduler run one of its tasks now, waiting out a run in progress. */
export async function triggerTask(
  backend: BackendProcess,
  token: string,
  taskId: string,
): Promise<void> {
  const headers = { authorization: `Bearer ${token}` };
  for (let attempt = 0; ; attempt++) {
    const res = await backend.http.request(
      'POST',
      `${TASK_ROUTE}/${taskId}/trigger`,
      { headers },
    );
    if (res.status === 200) return;
    // 409: a run is in progress (e.g. the one at start-up); it will end.
    if (res.status !== 409 || attempt > 600) {
      throw new Error(
        `Triggering ${taskId} answered ${res.status}: ${res.body.slice(
          0,
          300,
        )}`,
      );
    }
    await sleep(1000);
  }
}

/**
 * Waits until the refresh the plugin schedules at start-up (5 s after start, possibly over a
 * partial catalog) has ended, so that it does not overlap a measured one.
 */
export async function waitForStartupRefresh(
  backend: BackendProcess,
  timeoutMs: number,
): Promise<void> {
  const first = await backend.log.waitFor(REFRESH_STARTED, {
    since: 0,
    timeoutMs,
    stillRunning: () => backend.running,
    what: 'the start-up refresh to start',
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const started = backend.log.find(REFRESH_STARTED, first.index).length;
    const ended =
      backend.log.find(REFRESH_DONE, first.index).length +
      backend.log.find(REFRESH_FAILED, first.index).length;
    if (ended >= started) return;
    if (!backend.running)
      throw new Error(
        `The backend exited during its start-up refresh (log: ${backend.log.file})`,
      );
    if (Date.now() > deadline)
      throw new Error(
        `The start-up refresh did not end within ${Math.round(
          timeoutMs / 1000,
        )} s`,
      );
    await sleep(500);
  }
}
