/**
 * One ARM request as the emulator saw it. The bearer token itself is never kept.
 * @public
 */
export interface RecordedRequest {
  method: string;
  /** Percent-decoded path, e.g. `/subscriptions/.../apis/payments-api;rev=2`. */
  path: string;
  /** Query parameters (the last value of repeated ones). */
  query: Record<string, string>;
  /** Status the client got, including injected faults. */
  status: number;
  /** ISO time the request arrived. */
  timestamp: string;
  /** Whether an `Authorization: Bearer ...` header was present. */
  hasBearerToken: boolean;
  /** The tenant the bearer token was issued for (its `tid` claim), when it names one. */
  tokenTenant?: string;
  /** Id of the fault that shaped the answer, if any. */
  faultId?: string;
  /** The JSON body of a POST (a Resource Graph query), as sent. */
  body?: unknown;
}

/**
 * The log of ARM requests (admin requests are not recorded). Bounded, so that long benchmark
 * runs do not grow memory without limit.
 */
export class RequestLog {
  private entries: RecordedRequest[] = [];

  constructor(private readonly limit = 10_000) {}

  record(entry: RecordedRequest): void {
    this.entries.push(entry);
    if (this.entries.length > this.limit) {
      this.entries.splice(0, this.entries.length - this.limit);
    }
  }

  list(): RecordedRequest[] {
    return this.entries.map(e => ({ ...e, query: { ...e.query } }));
  }

  clear(): void {
    this.entries = [];
  }
}
