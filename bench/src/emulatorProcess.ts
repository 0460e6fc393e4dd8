import type { FaultSpec, RecordedRequest } from '@defender-apis/arm-emulator';
import fs from 'node:fs';
import path from 'node:path';
import { HttpClient } from './httpClient';
import { LogTail } from './logTail';
import { ProcessGroup } from './processGroup';

const REPO_ROOT = path.resolve(__dirname, '../..');
/** The emulator keeps at most this many requests in its log (packages/arm-emulator). */
export const EMULATOR_LOG_LIMIT = 10_000;

/**
 * The ARM emulator in a process of its own (its CLI, `packages/arm-emulator/bin/arm-emulator`),
 * so that serving ARM does not share an event loop with the bench's timers and load
 * generator, driven through its admin API.
 */
export class EmulatorProcess {
  private constructor(
    private readonly group: ProcessGroup,
    private readonly admin: HttpClient,
    /** Base URL, e.g. `https://localhost:41234`. */
    readonly url: string,
    /** PEM file of the CA that signed its certificate, for NODE_EXTRA_CA_CERTS. */
    readonly caFile: string,
  ) {}

  /** Starts the emulator with the scenario file and page size given, on `port` or a free one. */
  static async start(options: {
    scenarioFile: string;
    pageSize: number;
    logFile: string;
    port?: number;
  }): Promise<EmulatorProcess> {
    const group = ProcessGroup.start(
      'ARM emulator',
      options.logFile,
      process.execPath,
      [
        path.join(REPO_ROOT, 'packages/arm-emulator/bin/arm-emulator'),
        '--port',
        String(options.port ?? 0),
        '--scenario',
        options.scenarioFile,
        '--page-size',
        String(options.pageSize),
      ],
      { cwd: REPO_ROOT, env: process.env },
    );
    const log = new LogTail(options.logFile);
    const line = await log.waitFor(/ARM emulator listening on/, {
      since: 0,
      timeoutMs: 60_000,
      stillRunning: () => !group.hasExited,
      what: 'starting the ARM emulator',
    });
    const match = /listening on (https:\/\/\S+) \(CA: (.+)\)/.exec(line.text);
    if (!match) throw new Error(`Unexpected emulator start line: ${line.text}`);
    const [, url, caFile] = match;
    const admin = new HttpClient(url, {
      ca: fs.readFileSync(caFile, 'utf8'),
      maxSockets: 2,
    });
    return new EmulatorProcess(group, admin, url, caFile);
  }

  /** Port it listens on. */
  get port(): number {
    return Number(new URL(this.url).port);
  }

  /**
   * Stops this emulator and starts another on the same port with another scenario, as when
   * Azure changes under a running backend (which keeps its endpoint and CA).
   */
  async restart(options: {
    scenarioFile: string;
    pageSize: number;
    logFile: string;
  }): Promise<EmulatorProcess> {
    await this.stop();
    return EmulatorProcess.start({ ...options, port: this.port });
  }

  /** The ARM requests logged since the last clear (at most {@link EMULATOR_LOG_LIMIT}). */
  async requests(): Promise<RecordedRequest[]> {
    return (
      await this.admin.getJson<{ requests: RecordedRequest[] }>(
        '/_admin/requests',
      )
    ).requests;
  }

  /** Empties the request log. */
  async clearRequests(): Promise<void> {
    await this.expect('DELETE', '/_admin/requests', 204);
  }

  /** Injects a fault (e.g. a delay on every path) until {@link EmulatorProcess.clearFaults}. */
  async addFault(fault: FaultSpec): Promise<void> {
    await this.expect('POST', '/_admin/faults', 201, fault);
  }

  /** Removes every fault. */
  async clearFaults(): Promise<void> {
    await this.expect('DELETE', '/_admin/faults', 204);
  }

  /** Stops the emulator's process group. */
  async stop(): Promise<void> {
    this.admin.close();
    await this.group.stop();
  }

  private async expect(
    method: string,
    route: string,
    status: number,
    body?: unknown,
  ): Promise<void> {
    const res = await this.admin.request(method, route, { body });
    if (res.status !== status)
      throw new Error(
        `Emulator ${method} ${route} answered ${res.status}: ${res.body}`,
      );
  }
}
