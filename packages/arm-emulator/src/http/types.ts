import { EmulatorState } from '../state/EmulatorState';
import { ResourceGraphQuota } from './resourceGraphQuota';

/** An answer of the emulator, before it is written to the socket. */
export interface ArmResponse {
  status: number;
  /** Serialised as JSON; absent means an empty body. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** Settings the ARM routes read on every request. */
export interface RouteSettings {
  /** Items per page of every paged list. */
  pageSize: number;
  /** Retry-After seconds of the onboarding operation's answers. */
  retryAfterSeconds: number;
  /** Rows per page of a Resource Graph answer, at most (Azure's largest `$top` is 1,000). */
  resourceGraphPageSize: number;
}

/** Everything a route handler needs about the request and the world. */
export interface RouteContext {
  method: string;
  /** The path as the client sent it (still percent-encoded), for building links. */
  rawPath: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** `https://host:port` as the client addressed the emulator. */
  baseUrl: string;
  state: EmulatorState;
  settings: RouteSettings;
  /** The `tid` claim of the bearer token; absent for the home tenant. */
  tokenTenant?: string;
  /** Resource Graph's per-principal throttle. */
  resourceGraphQuota: ResourceGraphQuota;
}

/** A handler of one ARM route and method. */
export type RouteHandler = (ctx: RouteContext) => ArmResponse;
