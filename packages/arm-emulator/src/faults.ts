import { FieldReader } from './util/fieldReader';

/**
 * Which ARM requests a fault applies to. All given conditions must hold.
 * @public
 */
export interface FaultMatch {
  /** HTTP method, any case; absent matches every method. */
  method?: string;
  /**
   * Matched case-insensitively against the (percent-decoded) request path: as a substring,
   * or as a regular expression.
   */
  pathPattern: string;
  /** Only requests under `/subscriptions/{subscriptionId}` (any case). */
  subscriptionId?: string;
}

/**
 * What a fault does to a matching request. Combine `delayMs` with `status` or `malformedJson`
 * to make a slow failure.
 * @public
 */
export interface FaultEffect {
  /**
   * Answer with this status and an ARM error body instead: 429 (`TooManyRequests`, with
   * Retry-After), 403 (`AuthorizationFailed`), 5xx, or any other 4xx.
   */
  status?: number;
  /** Retry-After seconds sent with a 429 (default 1) or 503. */
  retryAfterSeconds?: number;
  /** Overrides the ARM error code. */
  code?: string;
  /** Overrides the ARM error message. */
  message?: string;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Answer 200 with the normal body cut in half (invalid JSON). */
  malformedJson?: boolean;
}

/**
 * A fault to inject, as accepted by `POST /_admin/faults` and `ArmEmulator.addFault`.
 * @public
 */
export interface FaultSpec {
  match: FaultMatch;
  effect: FaultEffect;
  /** Apply to the next N matching requests, then stop; absent means until cleared. */
  times?: number;
}

/**
 * An injected fault, with its id and how many more requests it applies to.
 * @public
 */
export interface Fault extends FaultSpec {
  id: string;
  /** Matching requests answered with this fault so far. */
  applied: number;
  /** Applications left; absent means unlimited. */
  remaining?: number;
}

/** The parts of a request faults match on. */
export interface FaultTarget {
  method: string;
  /** Percent-decoded path. */
  path: string;
}

/**
 * Thrown for a fault that does not have the expected shape.
 * @public
 */
export class FaultValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid fault: ${problems.join('; ')}`);
    this.name = 'FaultValidationError';
  }
}

/**
 * Validates an untrusted fault (e.g. a `POST /_admin/faults` body).
 * @throws FaultValidationError naming the bad field
 * @public
 */
export function parseFault(value: unknown): FaultSpec {
  const problems: string[] = [];
  const root = FieldReader.root(value, problems);
  let spec: FaultSpec | undefined;
  if (root) {
    root.rejectUnknownKeys(['match', 'effect', 'times']);
    const match = root.object(
      'match',
      m => {
        m.rejectUnknownKeys(['method', 'pathPattern', 'subscriptionId']);
        return {
          method: m.string('method', 'optional'),
          pathPattern: m.string('pathPattern'),
          subscriptionId: m.string('subscriptionId', 'optional'),
        };
      },
      'optional',
    );
    const effect = root.object(
      'effect',
      e => {
        e.rejectUnknownKeys([
          'status',
          'retryAfterSeconds',
          'code',
          'message',
          'delayMs',
          'malformedJson',
        ]);
        const parsed: FaultEffect = {
          status: e.number(
            'status',
            { min: 400, max: 599, integer: true },
            'optional',
          ),
          retryAfterSeconds: e.number(
            'retryAfterSeconds',
            { min: 0, integer: true },
            'optional',
          ),
          code: e.string('code', 'optional'),
          message: e.string('message', 'optional'),
          delayMs: e.number(
            'delayMs',
            { min: 0, max: 600_000, integer: true },
            'optional',
          ),
          malformedJson: e.boolean('malformedJson', 'optional'),
        };
        if (
          parsed.status === undefined &&
          parsed.delayMs === undefined &&
          !parsed.malformedJson
        ) {
          problems.push(
            'effect: needs at least one of status, delayMs, malformedJson',
          );
        }
        if (parsed.status !== undefined && parsed.malformedJson) {
          problems.push('effect: status and malformedJson exclude each other');
        }
        return parsed;
      },
      'optional',
    );
    if (!match) problems.push('match: expected an object, got nothing');
    if (!effect) problems.push('effect: expected an object, got nothing');
    const times = root.number('times', { min: 1, integer: true }, 'optional');
    if (match && effect)
      spec = {
        match: withoutUndefined(match),
        effect: withoutUndefined(effect),
        ...(times ? { times } : {}),
      };
  }
  if (problems.length > 0 || !spec) {
    throw new FaultValidationError(problems);
  }
  return spec;
}

/**
 * The active faults. The first fault (in order of addition) matching a request applies to it.
 */
export class FaultStore {
  private faults: Fault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): Fault {
    const valid = parseFault(spec);
    const fault: Fault = {
      ...valid,
      id: `fault-${this.nextId++}`,
      applied: 0,
      ...(valid.times ? { remaining: valid.times } : {}),
    };
    this.faults.push(fault);
    return structuredClone(fault);
  }

  list(): Fault[] {
    return structuredClone(this.faults);
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter(f => f.id !== id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
  }

  /** Finds the fault for a request and counts it as applied (dropping it when used up). */
  take(target: FaultTarget): Fault | undefined {
    const fault = this.faults.find(f => matches(f.match, target));
    if (!fault) return undefined;
    fault.applied += 1;
    if (fault.remaining !== undefined) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.remove(fault.id);
    }
    return structuredClone(fault);
  }
}

function matches(match: FaultMatch, target: FaultTarget): boolean {
  if (
    match.method &&
    match.method.toUpperCase() !== target.method.toUpperCase()
  ) {
    return false;
  }
  if (match.subscriptionId) {
    const sub = /^\/subscriptions\/([^/]+)/i.exec(target.path)?.[1];
    if (!sub || sub.toLowerCase() !== match.subscriptionId.toLowerCase())
      return false;
  }
  return pathMatches(match.pathPattern, target.path);
}

function pathMatches(pattern: string, path: string): boolean {
  if (path.toLowerCase().includes(pattern.toLowerCase())) return true;
  try {
    return new RegExp(pattern, 'i').test(path);
  } catch {
    return false; // not a valid regular expression: substring matching only
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}
