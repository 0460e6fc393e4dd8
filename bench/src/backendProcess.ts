import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { HttpClient } from './httpClient';
import { LogTail } from './logTail';
import { ProcessGroup } from './processGroup';
import { until } from './wait';

const REPO_ROOT = path.resolve(__dirname, '../..');
const BACKEND_DIR = path.join(REPO_ROOT, 'packages/backend');

/** Resident memory of a process, from /proc (Linux). */
export interface MemorySample {
  /** Current resident set size, bytes. */
  rss: number;
  /** Peak resident set size since start or since {@link resetPeakRss}, bytes. */
  peakRss: number;
}

/** Garbage collections in a window (written by `heapProbe.cjs`). */
export interface GcPauses {
  count: number;
  major: number;
  longestMs: number;
}

/** One sample of the backend's V8 heap (written by `heapProbe.cjs`). */
export interface HeapSample {
  /** Epoch ms. */
  at: number;
  /** Bytes of the heap in use by live and not yet collected objects. */
  used: number;
  /** Bytes V8 has reserved for the heap. */
  total: number;
}

/** Reads VmRSS and VmHWM of a process from /proc/PID/status. */
export function readMemory(pid: number): MemorySample {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) *
    1024;
  return { rss: kb('VmRSS'), peakRss: kb('VmHWM') };
}

/**
 * Resets the peak RSS (VmHWM) of a process, so that a later {@link readMemory} gives the peak
 * of what happened in between. Returns false where the kernel or permissions do not allow it.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** A free TCP port on localhost (the kernel's pick; released before the backend takes it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, 'localhost', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The real Backstage backend of packages/backend (catalog, auth, permissions and the Defender
 * for APIs plugin), run the way `backstage-cli package start` runs it (Node with Backstage's
 * TypeScript transform, `src/index.ts`, NODE_ENV development) but without the CLI's file
 * watcher: a source edit elsewhere in the repository must not restart it mid-measurement,
 * and the process started is the backend itself, whose memory the bench reads.
 */
export class BackendProcess {
  readonly log: LogTail;
  /** The bench's own client for control calls (sign-in, catalog, scheduler). */
  readonly http: HttpClient;

  private constructor(
    private readonly group: ProcessGroup,
    readonly url: string,
    logFile: string,
    private readonly heapLogFile: string,
    private readonly cpuProfileDir: string | undefined,
  ) {
    this.log = new LogTail(logFile);
    this.http = new HttpClient(url, { maxSockets: 4 });
  }

  /**
   * Starts the backend with app-config.yaml and `configFile` on `port`, trusting the CA given;
   * its heap is sampled into `<logFile>.heap`. With `cpuProfileDir`, {@link startProfile} and
   * {@link stopProfile} record CPU profiles there.
   */
  static start(options: {
    configFile: string;
    port: number;
    caFile: string;
    logFile: string;
    cpuProfileDir?: string;
  }): BackendProcess {
    const heapLogFile = `${options.logFile}.heap`;
    fs.rmSync(heapLogFile, { force: true });
    const group = ProcessGroup.start(
      'backend',
      options.logFile,
      process.execPath,
      [
        '--enable-source-maps',
        '--require',
        path.join(__dirname, 'heapProbe.cjs'),
        ...(options.cpuProfileDir
          ? ['--require', path.join(__dirname, 'cpuProbe.cjs')]
          : []),
        '--require',
        require.resolve('@backstage/cli-node/config/nodeTransform.cjs', {
          paths: [BACKEND_DIR],
        }),
        'src/index.ts',
        '--config',
        path.join(REPO_ROOT, 'app-config.yaml'),
        '--config',
        options.configFile,
      ],
      {
        cwd: BACKEND_DIR,
        env: {
          ...process.env,
          NODE_ENV: 'development',
          NODE_EXTRA_CA_CERTS: options.caFile,
          ESBK_TSCONFIG_PATH: path.join(REPO_ROOT, 'tsconfig.json'),
          FORCE_COLOR: '0',
          DEFENDER_APIS_BENCH_HEAP_LOG: heapLogFile,
          ...(options.cpuProfileDir
            ? { DEFENDER_APIS_BENCH_CPU_PROFILE_DIR: options.cpuProfileDir }
            : {}),
        },
      },
    );
    return new BackendProcess(
      group,
      `http://localhost:${options.port}`,
      options.logFile,
      heapLogFile,
      options.cpuProfileDir,
    );
  }

  /** True when the backend was started with a CPU profile directory. */
  get profiles(): boolean {
    return this.cpuProfileDir !== undefined;
  }

  /** Starts V8's CPU profiler in the backend (`cpuProbe.cjs`); resolves once it runs. */
  async startProfile(): Promise<void> {
    const dir = this.requireProfileDir();
    process.kill(this.pid, 'SIGUSR2');
    await until(
      'the backend to start profiling',
      async () =>
        fs.existsSync(path.join(dir, 'profiling')) ? true : undefined,
      { timeoutMs: 10_000, intervalMs: 20 },
    );
  }

  /** Stops the profiler and moves its profile to `name.cpuprofile`; returns the path. */
  async stopProfile(name: string): Promise<string> {
    const dir = this.requireProfileDir();
    const written = new Set(fs.readdirSync(dir));
    process.kill(this.pid, 'SIGUSR2');
    const file = await until(
      'the backend to write its CPU profile',
      async () =>
        fs
          .readdirSync(dir)
          .find(f => /^\d+\.cpuprofile$/.test(f) && !written.has(f)),
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    const target = path.join(dir, `${name}.cpuprofile`);
    fs.renameSync(path.join(dir, file), target);
    return target;
  }

  private requireProfileDir(): string {
    if (!this.cpuProfileDir)
      throw new Error(
        'The backend was started without a CPU profile directory',
      );
    return this.cpuProfileDir;
  }

  /** The heap samples taken from `from` to `to` (epoch ms), and the last one before `from`. */
  heapSamples(from: number, to: number): HeapSample[] {
    const samples = this.heapLogLines()
      .filter(line => !line.includes(' gc '))
      .map(line => {
        const [at, used, total] = line.split(' ').map(Number);
        return { at, used, total };
      });
    const before = samples.filter(s => s.at < from).pop();
    return [
      ...(before ? [before] : []),
      ...samples.filter(s => s.at >= from && s.at <= to),
    ];
  }

  /**
   * The garbage collections that started from `from` to `to` (epoch ms): how many, how many
   * major, and the longest pause (ms), the time a request that arrived then waited at least.
   */
  gcPauses(from: number, to: number): GcPauses {
    const pauses = this.heapLogLines()
      .filter(line => line.includes(' gc '))
      .map(line => {
        const [at, , kind, ms] = line.split(' ');
        return { at: Number(at), major: kind === '4', ms: Number(ms) };
      })
      .filter(p => p.at >= from && p.at <= to);
    return {
      count: pauses.length,
      major: pauses.filter(p => p.major).length,
      longestMs: Math.max(0, ...pauses.map(p => p.ms)),
    };
  }

  private heapLogLines(): string[] {
    try {
      return fs
        .readFileSync(this.heapLogFile, 'utf8')
        .split('\n')
        .filter(Boolean);
    } catch {
      return [];
    }
  }

  /** Process id of the backend's Node process. */
  get pid(): number {
    return this.group.pid;
  }

  /** False once the backend process exited. */
  get running(): boolean {
    return !this.group.hasExited;
  }

  /** Waits until Backstage reports the backend ready (every plugin started). */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    await until(
      'the backend to be ready',
      async () => {
        if (!this.running)
          throw new Error(`the backend exited; see ${this.log.file}`);
        const res = await this.http.request(
          'GET',
          '/.backstage/health/v1/readiness',
        );
        return res.status === 200 ? true : undefined;
      },
      { timeoutMs, intervalMs: 1000 },
    );
  }

  /** Signs in with the guest provider and returns the Backstage token. */
  async guestToken(): Promise<string> {
    const res = await this.http.request('POST', '/api/auth/guest/refresh', {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
      body: {},
    });
    if (res.status !== 200)
      throw new Error(
        `Guest sign-in answered ${res.status}: ${res.body.slice(0, 300)}`,
      );
    return JSON.parse(res.body).backstageIdentity.token;
  }

  /** Stops the backend's process group (SIGTERM, then SIGKILL after 10 s). */
  async stop(): Promise<void> {
    this.http.close();
    await this.group.stop();
  }
}
