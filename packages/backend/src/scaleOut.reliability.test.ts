/**
 * Reliability: two real backend processes (this package, `backstage-cli package start`) on one
 * PostgreSQL database, against the ARM emulator. Needs DEFENDER_APIS_TEST_POSTGRES_URL;
 * scripts/test-reliability.sh runs this file only when it is set, and says so when not.
 */
/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectRefreshesOncePerInterval"] }] */
import {
  ArmEmulator,
  RecordedRequest,
  startArmEmulator,
} from '@defender-apis/arm-emulator';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

jest.setTimeout(600_000);

const PG_URL = process.env.DEFENDER_APIS_TEST_POSTGRES_URL;
const REPO_ROOT = path.resolve(__dirname, '../../..');
const YARN = path.join(
  REPO_ROOT,
  '.yarn/releases',
  fs
    .readdirSync(path.join(REPO_ROOT, '.yarn/releases'))
    .find(f => f.startsWith('yarn-'))!,
);
const SUB_A = '11111111-1111-1111-1111-111111111111';
const REFRESH_SECONDS = 8;
const REFRESH_TIMEOUT_SECONDS = 20;
/** How often Backstage's scheduler releases claims on tasks whose timeout passed. */
const SCHEDULER_JANITOR_SECONDS = 60;

/** One backend process in its own process group, with its output kept for the test. */
class BackendProcess {
  readonly output: string[] = [];
  /** Where the output also goes, to read after a failure. */
  readonly logFile: string;
  private readonly child: ChildProcess;

  constructor(
    readonly name: string,
    readonly port: number,
    configFile: string,
    caFile: string,
  ) {
    this.logFile = configFile.replace(/\.yaml$/, '.log');
    this.child = spawn(
      process.execPath,
      [
        YARN,
        'workspace',
        'backend',
        'start',
        '--config',
        '../../app-config.yaml',
        '--config',
        configFile,
      ],
      {
        cwd: REPO_ROOT,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          NODE_EXTRA_CA_CERTS: caFile,
          NODE_ENV: 'development',
          FORCE_COLOR: '0',
        },
      },
    );
    const keep = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      fs.appendFileSync(this.logFile, text);
      this.output.push(...text.split('\n').filter(Boolean));
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
  }

  get url() {
    return `http://localhost:${this.port}`;
  }

  /** Signals the whole process group (yarn, the CLI's watcher and the backend itself). */
  kill(signal: NodeJS.Signals) {
    try {
      process.kill(-this.child.pid!, signal);
    } catch {
      // already gone
    }
  }

  async stop() {
    this.kill('SIGTERM');
    const exited = new Promise(resolve => this.child.once('exit', resolve));
    const timeout = new Promise(resolve => setTimeout(resolve, 10_000));
    if (this.child.exitCode === null) await Promise.race([exited, timeout]);
    this.kill('SIGKILL');
  }

  /** Lines this backend logged since `from` (an index into `output`) that match `pattern`. */
  logged(pattern: RegExp, from = 0) {
    return this.output.slice(from).filter(line => pattern.test(line));
  }

  async token(): Promise<string> {
    const res = await fetch(`${this.url}/api/auth/guest/refresh`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-requested-with': 'XMLHttpRequest',
      },
      body: '{}',
    });
    if (!res.ok)
      throw new Error(`${this.name}: guest sign-in answered ${res.status}`);
    return (await res.json()).backstageIdentity.token;
  }

  async get(pathname: string, token: string) {
    const res = await fetch(`${this.url}${pathname}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: res.status, body: await res.json() };
  }
}

const replicas: BackendProcess[] = [];

async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const started = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() - started > timeoutMs) {
      const cause =
        lastError instanceof Error
          ? `${lastError.message} ${String(
              (lastError as { cause?: unknown }).cause ?? '',
            )}`
          : '';
      throw new Error(
        `Timed out waiting for ${what}${
          cause ? `: ${cause}` : ''
        } (replica logs: ${replicas.map(r => r.logFile).join(', ')})`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}

/** Start times of catalog-wide refreshes: each reads subscription A's plan once. */
function refreshStarts(requests: RecordedRequest[]): number[] {
  return requests
    .filter(
      r =>
        r.method === 'GET' &&
        r.path.toLowerCase() ===
          `/subscriptions/${SUB_A}/providers/microsoft.security/pricings`,
    )
    .map(r => Date.parse(r.timestamp))
    .sort((a, b) => a - b);
}

if (!PG_URL) {
  throw new Error(
    'The scale-out test needs PostgreSQL: set DEFENDER_APIS_TEST_POSTGRES_URL (scripts/test-reliability.sh leaves this file out, and says so, when it is not set)',
  );
}

describe('reliability: two backend replicas on one PostgreSQL', () => {
  let emulator: ArmEmulator;
  const tokens: string[] = [];

  beforeAll(async () => {
    emulator = await startArmEmulator({
      lro: { pollsUntilDone: 2, retryAfterSeconds: 1 },
    });
    const prefix = `defender_scaleout_${randomBytes(4).toString('hex')}_`;
    const dir = fs.mkdtempSync(
      path.join(os.tmpdir(), 'defender-apis-scale-out-'),
    );
    const configs = [7111, 7112].map((port, i) => {
      const configFile = path.join(dir, `replica-${i}.yaml`);
      fs.writeFileSync(
        configFile,
        JSON.stringify({
          backend: {
            baseUrl: `http://localhost:${port}`,
            listen: { port },
            database: { client: 'pg', connection: PG_URL, prefix },
          },
          defenderApis: {
            azure: { resourceManagerEndpoint: emulator.url },
            // String form: it replaces app-config.yaml's 30m whole (objects would merge key by key).
            refresh: {
              frequency: `${REFRESH_SECONDS}s`,
              timeout: `${REFRESH_TIMEOUT_SECONDS}s`,
            },
          },
        }),
      );
      return { name: `replica-${i}`, port, configFile };
    });
    // A rolling start, as deployments do: Backstage's plugins migrate their databases at start-up,
    // and two replicas migrating one fresh database at once make one of them fail.
    for (const { name, port, configFile } of configs) {
      const replica = new BackendProcess(
        name,
        port,
        configFile,
        emulator.caFile,
      );
      replicas.push(replica);
      await until(
        `${name} to start`,
        async () =>
          (
            await fetch(`${replica.url}/.backstage/health/v1/readiness`)
          ).ok
            ? true
            : undefined,
        240_000,
      );
      const token = await replica.token();
      tokens.push(token);
      // Its catalog has read the sample APIs.
      await until(
        `${name}'s catalog`,
        async () =>
          (
            await replica.get(
              '/api/catalog/entities/by-name/api/default/wallet-api',
              token,
            )
          ).status === 200
            ? true
            : undefined,
        120_000,
      );
    }
  });

  afterAll(async () => {
    await Promise.all(replicas.map(r => r.stop()));
    await emulator?.close();
  });

  async function expectRefreshesOncePerInterval(windowSeconds: number) {
    const from = Date.now();
    await new Promise(resolve => setTimeout(resolve, windowSeconds * 1000));
    const starts = refreshStarts(emulator.requests()).filter(t => t >= from);
    // Not one refresh per replica: a second scheduler would start refreshes well inside the interval.
    expect(starts.length).toBeGreaterThanOrEqual(2);
    expect(starts.length).toBeLessThanOrEqual(
      Math.ceil(windowSeconds / REFRESH_SECONDS) + 1,
    );
    // The scheduler starts due tasks on its polling ticks, so single gaps vary around the
    // interval; on average they keep it (two schedulers would halve it).
    const meanGap =
      (starts[starts.length - 1] - starts[0]) / (starts.length - 1);
    expect(meanGap).toBeGreaterThanOrEqual(REFRESH_SECONDS * 1000 * 0.8);
  }

  it('runs the scheduled refresh once per interval across both replicas', async () => {
    emulator.clearRequests();
    await expectRefreshesOncePerInterval(REFRESH_SECONDS * 4);
  });

  it('serves the same posture from both replicas', async () => {
    const [a, b] = await Promise.all(
      replicas.map((r, i) =>
        r.get('/api/defender-apis/posture/api/default/checkout-api', tokens[i]),
      ),
    );
    expect(a.status).toBe(200);
    expect(a.body.status).toBe('atRisk');
    expect(b.body).toEqual(a.body);
  });

  it('carries out an onboarding queued on one replica exactly once, and both show it', async () => {
    const res = await fetch(
      `${replicas[0].url}/api/defender-apis/posture/api/default/wallet-api/onboard`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[0]}` },
      },
    );
    expect(res.status).toBe(202);
    // A second request through the other replica joins it instead of starting another.
    const again = await fetch(
      `${replicas[1].url}/api/defender-apis/posture/api/default/wallet-api/onboard`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[1]}` },
      },
    );
    expect([200, 202]).toContain(again.status);
    for (const [i, replica] of replicas.entries()) {
      await until(
        `${replica.name} to show wallet-api awaiting data`,
        async () =>
          (
            await replica.get(
              '/api/defender-apis/posture/api/default/wallet-api',
              tokens[i],
            )
          ).body.status === 'awaitingData'
            ? true
            : undefined,
        60_000,
      );
    }
    expect(
      emulator
        .requests()
        .filter(
          r =>
            r.method === 'PUT' && r.path.endsWith('/apiCollections/wallet-api'),
        ),
    ).toHaveLength(1);
  });

  it('loses no data when the replica running a refresh is killed, and the other completes the next one', async () => {
    const before = (
      await replicas[1].get(
        '/api/defender-apis/posture/api/default/checkout-api',
        tokens[1],
      )
    ).body;
    // Slow reads keep the next refresh in flight long enough to kill its replica mid-way.
    emulator.addFault({
      match: { pathPattern: '/providers/Microsoft.Security/alerts' },
      effect: { delayMs: 6_000 },
    });
    const marks = replicas.map(r => r.output.length);
    const running = await until(
      'a refresh to start',
      async () =>
        replicas.find(
          (r, i) =>
            r.logged(/Refreshing Defender for APIs posture/, marks[i]).length >
            0,
        ),
      (REFRESH_SECONDS + 15) * 1000,
    );
    running.kill('SIGKILL');
    const killedAt = Date.now();
    const survivor = replicas.find(r => r !== running)!;
    const survivorToken = tokens[replicas.indexOf(survivor)];
    emulator.clearFaults();

    // Nothing stored was lost or blanked by the half-done refresh.
    const during = (
      await survivor.get(
        '/api/defender-apis/posture/api/default/checkout-api',
        survivorToken,
      )
    ).body;
    expect({
      status: during.status,
      endpoints: during.endpoints,
      alerts: during.alerts,
    }).toEqual({
      status: before.status,
      endpoints: before.endpoints,
      alerts: before.alerts,
    });

    // Once the killed replica's claim on the task times out and Backstage's scheduler janitor
    // (every minute) releases it, the survivor refreshes.
    const after = await until(
      'the survivor to complete a refresh',
      async () => {
        const posture = (
          await survivor.get(
            '/api/defender-apis/posture/api/default/checkout-api',
            survivorToken,
          )
        ).body;
        return Date.parse(posture.refreshedAt) > killedAt ? posture : undefined;
      },
      (REFRESH_TIMEOUT_SECONDS +
        SCHEDULER_JANITOR_SECONDS +
        REFRESH_SECONDS * 3 +
        30) *
        1000,
    );
    expect(after.stale).toBe(false);
    expect(after.endpoints).toEqual(before.endpoints);
  });
});
