import fs from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ensureEmulatorCertificates } from '../certificates';
import { Fault, FaultSpec } from '../faults';
import { RouteTable } from '../http/routeTable';
import { ArmResponse } from '../http/types';
import { RecordedRequest } from '../requestLog';
import { renderCollection } from '../resources/security';
import { armRoutes } from '../routes';
import { demoScenario } from '../scenario/loadScenario';
import { Scenario } from '../scenario/types';
import { ADMIN_PREFIX, handleAdminRequest } from './adminApi';
import { handleArmRequest } from './armPipeline';
import { EmulatorCore } from './EmulatorCore';

/**
 * Options of {@link startArmEmulator}.
 * @public
 */
export interface ArmEmulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Host to listen on (default `localhost`). */
  host?: string;
  /** The world to serve (default: the demo scenario). */
  scenario?: Scenario;
  /** Certificate directory (default: `ARM_EMULATOR_CERT_DIR` or `<repo>/.cache/arm-emulator`). */
  certDir?: string;
  /** Behaviour of the onboarding long-running operation. */
  lro?: {
    /** Polls of the Location URL answered 202 before the outcome (default 2). */
    pollsUntilDone?: number;
    /** Retry-After seconds of the PUT and 202 answers (default 1). */
    retryAfterSeconds?: number;
  };
  /** Items per page of every paged list (default 10). */
  pageSize?: number;
  /** Azure Resource Graph (`POST /providers/Microsoft.ResourceGraph/resources`). */
  resourceGraph?: {
    /** Rows per page at most, whatever `$top` asks (default 1,000, Azure's largest). */
    pageSize?: number;
    /** Queries per 5 seconds and principal before 429 (default 15, as Azure documents). */
    queriesPer5s?: number;
  };
}

/**
 * An apiCollection as the emulator serves it.
 * @public
 */
export interface ApiCollectionResource {
  id: string;
  name: string;
  type: string;
  properties: {
    provisioningState: 'InProgress' | 'Succeeded';
    displayName?: string;
    discoveredVia?: string;
    baseUrl?: string;
    numberOfApiEndpoints?: number;
    numberOfUnauthenticatedApiEndpoints?: number;
    numberOfInactiveApiEndpoints?: number;
    numberOfExternalApiEndpoints?: number;
    numberOfApiEndpointsWithSensitiveDataExposed?: number;
    sensitivityLabel?: string;
  };
}

/**
 * A running emulator.
 * @public
 */
export interface ArmEmulator {
  /** Base URL, e.g. `https://localhost:8443`; use it as the SDKs' `endpoint`. */
  readonly url: string;
  readonly port: number;
  /** PEM file of the CA that signed the server certificate. */
  readonly caFile: string;
  /** The CA certificate (PEM), for a `ca` option or an `https.Agent`. */
  readonly caCertificate: string;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
  /** ARM requests so far (admin calls excluded), oldest first. */
  requests(): RecordedRequest[];
  clearRequests(): void;
  /** Injects a fault; returns it with its id. */
  addFault(fault: FaultSpec): Fault;
  faults(): Fault[];
  removeFault(id: string): boolean;
  clearFaults(): void;
  /** Replaces the scenario and starts afresh (state, faults and request log). */
  loadScenario(scenario: Scenario): void;
  /** Back to the scenario as loaded, clearing the request log and faults. */
  reset(): void;
  /** The scenario being served. */
  scenario(): Scenario;
  /** The collection of an API (by API id or collection id, any case), as GET would answer it. */
  collection(resourceId: string): ApiCollectionResource | undefined;
  /** Every current collection, as the subscription lists would answer them. */
  collections(): ApiCollectionResource[];
}

/** Request bodies above this size are refused; ARM requests here carry none or tiny ones. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

/**
 * Starts the emulator: an HTTPS server answering the ARM calls of the Defender for APIs
 * plugin, plus the admin API under `/_admin`.
 * @public
 */
export async function startArmEmulator(
  options: ArmEmulatorOptions = {},
): Promise<ArmEmulator> {
  const certificates = ensureEmulatorCertificates(options.certDir);
  const core = new EmulatorCore(
    options.scenario ?? demoScenario(),
    {
      pageSize: positive(options.pageSize ?? 10, 'pageSize', 1),
      retryAfterSeconds: positive(
        options.lro?.retryAfterSeconds ?? 1,
        'lro.retryAfterSeconds',
        0,
      ),
      resourceGraphPageSize: positive(
        options.resourceGraph?.pageSize ?? 1000,
        'resourceGraph.pageSize',
        1,
      ),
    },
    {
      pollsUntilDone: positive(
        options.lro?.pollsUntilDone ?? 2,
        'lro.pollsUntilDone',
        0,
      ),
    },
    positive(
      options.resourceGraph?.queriesPer5s ?? 15,
      'resourceGraph.queriesPer5s',
      1,
    ),
  );
  const routes = new RouteTable(armRoutes);
  const shutdown = new AbortController();
  const host = options.host ?? 'localhost';

  const server = https.createServer(
    {
      key: fs.readFileSync(certificates.keyFile),
      cert: fs.readFileSync(certificates.certFile),
    },
    (req, res) => {
      serve(req, res).catch(error => {
        if (shutdown.signal.aborted) {
          res.destroy();
          return;
        }
        // eslint-disable-next-line no-console
        console.error('ARM emulator: unexpected error', error);
        if (!res.headersSent) {
          write(res, {
            status: 500,
            body: {
              error: { code: 'InternalServerError', message: String(error) },
            },
          });
        } else {
          res.destroy();
        }
      });
    },
  );

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'https://localhost');
    const body = await readBody(req);
    if (body === undefined) {
      write(res, {
        status: 413,
        body: {
          error: {
            code: 'RequestEntityTooLarge',
            message: 'The request body is too large.',
          },
        },
      });
      return;
    }
    if (
      url.pathname === ADMIN_PREFIX ||
      url.pathname.startsWith(`${ADMIN_PREFIX}/`)
    ) {
      write(res, handleAdminRequest(core, method, url.pathname, body));
      return;
    }

    const timestamp = new Date().toISOString();
    const outcome = await handleArmRequest(
      core,
      routes,
      {
        method,
        rawPath: url.pathname,
        query: url.searchParams,
        authorization: req.headers.authorization,
        body,
        baseUrl: `https://${
          req.headers.host ??
          `${urlHost(host)}:${(server.address() as AddressInfo).port}`
        }`,
      },
      shutdown.signal,
    );
    const headers = {
      'x-ms-request-id': randomUUID(),
      'x-ms-correlation-request-id':
        headerValue(req, 'x-ms-correlation-request-id') ?? randomUUID(),
      ...(headerValue(req, 'x-ms-client-request-id')
        ? {
            'x-ms-client-request-id': headerValue(
              req,
              'x-ms-client-request-id',
            )!,
          }
        : {}),
    };
    write(
      res,
      {
        ...outcome.response,
        headers: { ...headers, ...outcome.response.headers },
      },
      outcome.rawBody,
    );
    core.log.record({
      method,
      path: outcome.path,
      query: Object.fromEntries(url.searchParams),
      status: outcome.response.status,
      timestamp,
      hasBearerToken: outcome.hasBearerToken,
      ...(outcome.tokenTenant ? { tokenTenant: outcome.tokenTenant } : {}),
      ...(outcome.faultId ? { faultId: outcome.faultId } : {}),
      ...(method === 'POST' ? { body: parsedOrText(body) } : {}),
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const emulatorUrl = `https://${urlHost(host)}:${port}`;
  const caCertificate = fs.readFileSync(certificates.caFile, 'utf8');

  return {
    url: emulatorUrl,
    port,
    caFile: certificates.caFile,
    caCertificate,
    close: () =>
      new Promise<void>(resolve => {
        shutdown.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    requests: () => core.log.list(),
    clearRequests: () => core.log.clear(),
    addFault: fault => core.faults.add(fault),
    faults: () => core.faults.list(),
    removeFault: id => core.faults.remove(id),
    clearFaults: () => core.faults.clear(),
    loadScenario: scenario => core.loadScenario(scenario),
    reset: () => core.reset(),
    scenario: () => structuredClone(core.scenario),
    collection: resourceId => {
      const entry = core.state.collectionById(resourceId);
      return entry && (renderCollection(entry) as ApiCollectionResource);
    },
    collections: () =>
      core.state
        .allCollections()
        .map(c => renderCollection(c) as ApiCollectionResource),
  };
}

/** A request body as JSON when it is JSON, else as text. */
function parsedOrText(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** Reads the body; undefined when it exceeds MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function write(
  res: ServerResponse,
  response: ArmResponse,
  rawBody?: string,
): void {
  const body =
    rawBody ??
    (response.body === undefined ? undefined : JSON.stringify(response.body));
  const headers: Record<string, string> = {
    'cache-control': 'no-cache',
    ...response.headers,
  };
  if (body !== undefined)
    headers['content-type'] = 'application/json; charset=utf-8';
  headers['content-length'] = String(
    body === undefined ? 0 : Buffer.byteLength(body),
  );
  res.writeHead(response.status, headers);
  res.end(body);
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The host to put in URLs: wildcard addresses are reached through localhost. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

function positive(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new Error(
      `ARM emulator option ${name} must be an integer >= ${min}, got ${value}`,
    );
  }
  return value;
}
