import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { sleep } from './wait';

/** Groups still running, so that an interrupted or failed run leaves nothing behind. */
const running = new Set<ProcessGroup>();

/**
 * A child process started in its own process group (`detached`), with stdout and stderr
 * written straight to a log file: the bench never reads the output through a pipe, so a
 * chatty backend costs the load generator nothing. Stopped with `kill -- -PGID`, never by name.
 */
export class ProcessGroup {
  private readonly child: ChildProcess;
  private exited = false;

  private constructor(
    readonly name: string,
    readonly logFile: string,
    command: string,
    args: string[],
    options: { cwd: string; env: NodeJS.ProcessEnv },
  ) {
    const out = fs.openSync(logFile, 'w');
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    this.child.once('exit', () => {
      this.exited = true;
      running.delete(this);
    });
    running.add(this);
  }

  /** Starts `command args` in a new process group, its output going to `logFile`. */
  static start(
    name: string,
    logFile: string,
    command: string,
    args: string[],
    options: { cwd: string; env: NodeJS.ProcessEnv },
  ): ProcessGroup {
    return new ProcessGroup(name, logFile, command, args, options);
  }

  /** Process id of the group leader, which is also the process group id. */
  get pid(): number {
    return this.child.pid!;
  }

  /** True once the leader exited. */
  get hasExited(): boolean {
    return this.exited;
  }

  /** Sends a signal to every process of the group. */
  signal(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, signal);
    } catch {
      // the group is gone already
    }
  }

  /** SIGTERM to the group, then SIGKILL to what is left after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.signal('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (!this.exited && Date.now() < deadline) await sleep(100);
    this.signal('SIGKILL');
    running.delete(this);
  }
}

/** Kills every group still running, synchronously: for `process.on('exit')` and signals. */
export function killAllGroups(): void {
  for (const group of running) group.signal('SIGKILL');
  running.clear();
}
