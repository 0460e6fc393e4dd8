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
  ) {
    this.log = new LogTail(logFile);
    this.http = new HttpClient(url, { maxSockets: 4 });
  }

  /** Starts the backend with app-config.yaml and `configFile` on `port`, trusting the CA given. */
  static start(options: {
    configFile: string;
    port: number;
    caFile: string;
    logFile: string;
  }): BackendProcess {
    const group = ProcessGroup.start(
      'backend',
      options.logFile,
      process.execPath,
      [
        '--enable-source-maps',
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
        },
      },
    );
    return new BackendProcess(
      group,
      `http://localhost:${options.port}`,
      options.logFile,
    );
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
