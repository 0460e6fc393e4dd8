import {
  coreServices,
  createServiceFactory,
  RootLoggerService,
} from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';

/** A root logger that keeps every line as JSON, so tests can check what reaches logs. */
class RecordingLogger implements RootLoggerService {
  constructor(
    private readonly lines: string[],
    private readonly fields: JsonObject = {},
  ) {}

  error(message: string, meta?: Error | JsonObject): void {
    this.record('error', message, meta);
  }
  warn(message: string, meta?: Error | JsonObject): void {
    this.record('warn', message, meta);
  }
  info(message: string, meta?: Error | JsonObject): void {
    this.record('info', message, meta);
  }
  debug(message: string, meta?: Error | JsonObject): void {
    this.record('debug', message, meta);
  }
  child(meta: JsonObject): RecordingLogger {
    return new RecordingLogger(this.lines, { ...this.fields, ...meta });
  }

  private record(
    level: string,
    message: string,
    meta?: Error | JsonObject,
  ): void {
    const extra =
      meta instanceof Error ? { error: String(meta), stack: meta.stack } : meta;
    this.lines.push(
      JSON.stringify({ level, message, ...this.fields, ...extra }),
    );
  }
}

/** The root logger service, recording into `lines`. */
export function recordingRootLogger(lines: string[]) {
  return createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory: () => new RecordingLogger(lines),
  });
}
