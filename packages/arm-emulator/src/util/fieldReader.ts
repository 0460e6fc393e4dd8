/**
 * Reads untrusted JSON field by field, remembering the path of each field so that every
 * problem can be reported as e.g. `subscriptions[0].services[1].sku: expected one of ...`.
 * Problems are collected rather than thrown, so one run reports all of them.
 */
export class FieldReader {
  constructor(
    private readonly value: Record<string, unknown>,
    readonly path: string,
    private readonly problems: string[],
  ) {}

  /** Reads the root object, or records a problem and returns undefined. */
  static root(
    value: unknown,
    problems: string[],
    path = '',
  ): FieldReader | undefined {
    if (!isPlainObject(value)) {
      problems.push(
        `${path || '(root)'}: expected an object, got ${describe(value)}`,
      );
      return undefined;
    }
    return new FieldReader(value, path, problems);
  }

  fieldPath(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  problem(key: string, message: string): void {
    this.problems.push(`${this.fieldPath(key)}: ${message}`);
  }

  string(key: string): string;
  string(key: string, mode: 'allowEmpty'): string;
  string(key: string, mode: 'optional'): string | undefined;
  string(key: string, mode?: 'optional' | 'allowEmpty'): string | undefined {
    const v = this.value[key];
    if (v === undefined && mode === 'optional') return undefined;
    if (typeof v !== 'string' || (mode !== 'allowEmpty' && v.trim() === '')) {
      const expected =
        mode === 'allowEmpty' ? 'a string' : 'a non-empty string';
      this.problem(key, `expected ${expected}, got ${describe(v)}`);
      return mode === 'optional' ? undefined : '';
    }
    return v;
  }

  number(
    key: string,
    opts: { min?: number; max?: number; integer?: boolean },
  ): number;
  number(
    key: string,
    opts: { min?: number; max?: number; integer?: boolean },
    optional: 'optional',
  ): number | undefined;
  number(
    key: string,
    opts: { min?: number; max?: number; integer?: boolean },
    optional?: 'optional',
  ): number | undefined {
    const v = this.value[key];
    if (v === undefined && optional) return undefined;
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (!opts.integer || Number.isInteger(v)) &&
      (opts.min === undefined || v >= opts.min) &&
      (opts.max === undefined || v <= opts.max);
    if (!ok) {
      const range = [
        opts.integer ? 'an integer' : 'a number',
        opts.min !== undefined ? `>= ${opts.min}` : '',
        opts.max !== undefined ? `<= ${opts.max}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      this.problem(key, `expected ${range}, got ${describe(v)}`);
      return optional ? undefined : 0;
    }
    return v as number;
  }

  boolean(key: string): boolean;
  boolean(key: string, optional: 'optional'): boolean | undefined;
  boolean(key: string, optional?: 'optional'): boolean | undefined {
    const v = this.value[key];
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'boolean') {
      this.problem(key, `expected true or false, got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T;
  oneOf<T extends string>(
    key: string,
    allowed: readonly T[],
    optional: 'optional',
  ): T | undefined;
  oneOf<T extends string>(
    key: string,
    allowed: readonly T[],
    optional?: 'optional',
  ): T | undefined {
    const v = this.value[key];
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      this.problem(
        key,
        `expected one of ${allowed.join(', ')}, got ${describe(v)}`,
      );
      return optional ? undefined : allowed[0];
    }
    return v as T;
  }

  stringArray(key: string, optional: 'optional'): string[] | undefined {
    const v = this.value[key];
    if (v === undefined && optional) return undefined;
    if (!Array.isArray(v)) {
      this.problem(key, `expected an array of strings, got ${describe(v)}`);
      return undefined;
    }
    v.forEach((item, i) => {
      if (typeof item !== 'string' || item === '') {
        this.problems.push(
          `${this.fieldPath(
            key,
          )}[${i}]: expected a non-empty string, got ${describe(item)}`,
        );
      }
    });
    return v as string[];
  }

  /** Reads an array of objects, mapping each through `read`. */
  objectArray<T>(
    key: string,
    read: (item: FieldReader, index: number) => T,
  ): T[];
  objectArray<T>(
    key: string,
    read: (item: FieldReader, index: number) => T,
    optional: 'optional',
  ): T[] | undefined;
  objectArray<T>(
    key: string,
    read: (item: FieldReader, index: number) => T,
    optional?: 'optional',
  ): T[] | undefined {
    const v = this.value[key];
    if (v === undefined && optional) return undefined;
    if (!Array.isArray(v)) {
      this.problem(key, `expected an array, got ${describe(v)}`);
      return optional ? undefined : [];
    }
    const out: T[] = [];
    v.forEach((item, i) => {
      const reader = FieldReader.root(
        item,
        this.problems,
        `${this.fieldPath(key)}[${i}]`,
      );
      if (reader) out.push(read(reader, i));
    });
    return out;
  }

  /** Reads a nested object through `read`. */
  object<T>(
    key: string,
    read: (item: FieldReader) => T,
    optional: 'optional',
  ): T | undefined {
    const v = this.value[key];
    if (v === undefined && optional) return undefined;
    const reader = FieldReader.root(v, this.problems, this.fieldPath(key));
    return reader ? read(reader) : undefined;
  }

  /** Records unknown keys, which are usually typos of optional fields. */
  rejectUnknownKeys(known: readonly string[]): void {
    for (const key of Object.keys(this.value)) {
      if (!known.includes(key)) {
        this.problem(
          key,
          `unknown field (expected one of ${known.join(', ')})`,
        );
      }
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}
