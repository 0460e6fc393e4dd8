import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';

/** An answer with its body read to the end and how long the whole exchange took. */
export interface TimedResponse {
  status: number;
  body: string;
  /** From sending the request to the last byte of the body, in milliseconds. */
  ms: number;
}

/** Options of {@link HttpClient}. */
export interface HttpClientOptions {
  /** Sockets kept open (keep-alive); one per concurrent client of a load run. */
  maxSockets?: number;
  /** CA certificate (PEM) for an https base URL with a private CA. */
  ca?: string;
  /** Per-request time limit; the request fails after it. */
  timeoutMs?: number;
}

/**
 * A minimal HTTP client on Node's keep-alive agents: the same code path times every route, so
 * client overhead, which is small next to a backend's, weighs the same on both sides of a
 * comparison.
 */
export class HttpClient {
  private readonly agent: http.Agent;
  private readonly base: URL;
  private readonly timeoutMs: number;

  constructor(baseUrl: string, options: HttpClientOptions = {}) {
    this.base = new URL(baseUrl);
    const agentOptions = {
      keepAlive: true,
      maxSockets: options.maxSockets ?? 16,
    };
    this.agent =
      this.base.protocol === 'https:'
        ? new https.Agent({ ...agentOptions, ca: options.ca })
        : new http.Agent(agentOptions);
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  /** Sends one request and reads the whole answer. */
  request(
    method: string,
    path: string,
    options: { headers?: Record<string, string>; body?: unknown } = {},
  ): Promise<TimedResponse> {
    const url = new URL(path, this.base);
    const payload =
      options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...options.headers,
    };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = transport.request(
        url,
        { method, headers, agent: this.agent, timeout: this.timeoutMs },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', chunk => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              ms: performance.now() - started,
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(
          new Error(
            `${method} ${url.pathname} took longer than ${this.timeoutMs} ms`,
          ),
        ),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** GET, expecting a 2xx JSON answer. */
  async getJson<T>(path: string, headers?: Record<string, string>): Promise<T> {
    const res = await this.request('GET', path, { headers });
    if (res.status < 200 || res.status > 299) {
      throw new Error(
        `GET ${path} answered ${res.status}: ${res.body.slice(0, 300)}`,
      );
    }
    return JSON.parse(res.body) as T;
  }

  /** Closes idle sockets. */
  close(): void {
    this.agent.destroy();
  }
}
