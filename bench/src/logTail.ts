import fs from 'node:fs';
import { sleep } from './wait';

/** One line of a log, without colours, with the time it was logged. */
export interface LogLine {
  text: string;
  /** The ISO timestamp at the start of Backstage's log lines, as epoch ms; else when it was read. */
  time: number;
  /** Index of the line in the log, for "lines since" queries. */
  index: number;
}

const ANSI = /\x1b\[[0-9;]*m/g;
const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)/;

/**
 * Follows a log file written by another process, reading what is new when asked. Times come
 * from the lines' own timestamps (Backstage logs milliseconds), so they do not depend on how
 * often the file is read.
 */
export class LogTail {
  private offset = 0;
  private partial = '';
  private readonly lines: LogLine[] = [];

  constructor(readonly file: string) {}

  /** Number of lines read so far: a mark for {@link LogTail.waitFor}'s `since`. */
  mark(): number {
    this.read();
    return this.lines.length;
  }

  /** Lines since `since` (a mark) that match `pattern`. */
  find(pattern: RegExp, since = 0): LogLine[] {
    this.read();
    return this.lines.slice(since).filter(line => pattern.test(line.text));
  }

  /**
   * Waits for a line matching `pattern` after `since`. A line matching `failure` first, or the
   * process exiting (`stillRunning` false), ends the wait with an error quoting the line.
   */
  async waitFor(
    pattern: RegExp,
    options: {
      since: number;
      timeoutMs: number;
      failure?: RegExp;
      stillRunning?: () => boolean;
      what: string;
    },
  ): Promise<LogLine> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      this.read();
      for (const line of this.lines.slice(options.since)) {
        if (options.failure?.test(line.text)) {
          throw new Error(
            `${options.what}: ${line.text.slice(0, 600)} (log: ${this.file})`,
          );
        }
        if (pattern.test(line.text)) return line;
      }
      if (options.stillRunning && !options.stillRunning()) {
        throw new Error(
          `${options.what}: the process exited (log: ${this.file})`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${options.what}: timed out after ${Math.round(
            options.timeoutMs / 1000,
          )} s (log: ${this.file})`,
        );
      }
      await sleep(100);
    }
  }

  private read(): void {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return; // not created yet
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= this.offset) return;
      const buffer = Buffer.alloc(size - this.offset);
      fs.readSync(fd, buffer, 0, buffer.length, this.offset);
      this.offset = size;
      const text = this.partial + buffer.toString('utf8');
      const parts = text.split('\n');
      this.partial = parts.pop() ?? '';
      const now = Date.now();
      for (const raw of parts) {
        const clean = raw.replace(ANSI, '');
        const stamp = TIMESTAMP.exec(clean)?.[1];
        this.lines.push({
          text: clean,
          time: stamp ? Date.parse(stamp) : now,
          index: this.lines.length,
        });
      }
    } finally {
      fs.closeSync(fd);
    }
  }
}
