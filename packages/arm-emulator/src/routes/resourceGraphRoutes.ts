import { ArmHttpError, armError, armErrors } from '../http/armErrors';
import { quotaResetsAfter } from '../http/resourceGraphQuota';
import { ArmRoute } from '../http/routeTable';
import { RouteContext } from '../http/types';
import {
  evaluateGraphQuery,
  parseGraphQuery,
} from '../resources/resourceGraph';
import { SubscriptionEntry } from '../state/model';
import { API_VERSIONS } from './apiVersions';

/** Azure's limit of subscriptions in one query's scope. */
const MAX_SUBSCRIPTIONS = 1000;
/** Rows per page when the query's `$top` says none (Azure's default). */
const DEFAULT_TOP = 100;

/**
 * Azure Resource Graph's query: `POST /providers/Microsoft.ResourceGraph/resources` with
 * `{ subscriptions, query, options: { $top, $skip, $skipToken, resultFormat } }`, answered
 * from the same scenario as the Microsoft.Security routes, in pages with `$skipToken`, under
 * the per-principal throttle. Only subscriptions of the token's tenant answer, as only those
 * are visible to its principal.
 */
export const resourceGraphRoutes: ArmRoute[] = [
  {
    pattern: '/providers/Microsoft.ResourceGraph/resources',
    resourceType: 'Microsoft.ResourceGraph/resources',
    apiVersions: API_VERSIONS.resourceGraph,
    handlers: { POST: query },
  },
];

function query(ctx: RouteContext) {
  const quota = ctx.resourceGraphQuota.take(
    (ctx.tokenTenant ?? '').toLowerCase(),
  );
  const quotaHeaders = {
    'x-ms-user-quota-remaining': String(quota.remaining),
    'x-ms-user-quota-resets-after': quotaResetsAfter(quota.resetsAfterMs),
  };
  if (!quota.allowed) {
    return armError(
      429,
      'RateLimiting',
      'Please provide below info when asking for support: timestamp, correlation id. Details: too many requests; the quota resets after the time in x-ms-user-quota-resets-after.',
      {
        ...quotaHeaders,
        'retry-after': String(Math.ceil(quota.resetsAfterMs / 1000)),
      },
    );
  }
  const request = requestOf(ctx.body);
  const parsed = parseGraphQuery(request.query);
  const rows = evaluateGraphQuery(
    parsed,
    scope(ctx, request.subscriptions),
    ctx.state,
  );
  const top = Math.min(
    request.top ?? DEFAULT_TOP,
    ctx.settings.resourceGraphPageSize,
  );
  const offset =
    request.skipToken !== undefined
      ? decodeSkipToken(request.skipToken, request.query)
      : request.skip ?? 0;
  const data = rows.slice(offset, offset + top);
  const end = offset + data.length;
  return {
    status: 200,
    headers: quotaHeaders,
    body: {
      totalRecords: rows.length,
      count: data.length,
      resultTruncated: 'false',
      ...(end < rows.length
        ? { $skipToken: encodeSkipToken(end, request.query) }
        : {}),
      data,
      facets: [],
    },
  };
}

interface GraphRequest {
  query: string;
  subscriptions?: string[];
  top?: number;
  skip?: number;
  skipToken?: string;
}

/** The request body, checked field by field; a 400 says what was expected. */
function requestOf(body: unknown): GraphRequest {
  const bad = (message: string) =>
    new ArmHttpError(armErrors.badRequest('BadRequest', message));
  const record = (value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  const request = record(body);
  if (!request || typeof request.query !== 'string')
    throw bad("The request body must be an object with a string 'query'.");
  const subscriptions = request.subscriptions;
  if (
    subscriptions !== undefined &&
    !(
      Array.isArray(subscriptions) &&
      subscriptions.every(s => typeof s === 'string')
    )
  )
    throw bad("'subscriptions' must be an array of subscription ids.");
  if (Array.isArray(subscriptions) && subscriptions.length > MAX_SUBSCRIPTIONS)
    throw bad(
      `A query may name at most ${MAX_SUBSCRIPTIONS} subscriptions; found ${subscriptions.length}.`,
    );
  const options = record(request.options) ?? {};
  if (
    options.resultFormat !== undefined &&
    options.resultFormat !== 'objectArray'
  )
    throw bad(
      `The emulator answers resultFormat 'objectArray' only; found '${String(
        options.resultFormat,
      )}'.`,
    );
  const integer = (name: string, min: number, max: number) => {
    const value = options[name];
    if (value === undefined) return undefined;
    if (
      !Number.isInteger(value) ||
      (value as number) < min ||
      (value as number) > max
    )
      throw bad(
        `'options.${name}' must be an integer from ${min} to ${max}; found ${JSON.stringify(
          value,
        )}.`,
      );
    return value as number;
  };
  const skipToken = options.$skipToken;
  if (skipToken !== undefined && typeof skipToken !== 'string')
    throw bad("'options.$skipToken' must be a string.");
  return {
    query: request.query,
    ...(subscriptions ? { subscriptions: subscriptions as string[] } : {}),
    top: integer('$top', 1, 1000),
    skip: integer('$skip', 0, Number.MAX_SAFE_INTEGER),
    ...(skipToken !== undefined ? { skipToken } : {}),
  };
}

/** The subscriptions a query covers: those named (all when none) of the token's tenant. */
function scope(
  ctx: RouteContext,
  named: string[] | undefined,
): SubscriptionEntry[] {
  const tenant = (ctx.tokenTenant ?? '').toLowerCase();
  const ids =
    named ?? ctx.state.scenario.subscriptions.map(s => s.subscriptionId);
  const seen = new Set<string>();
  return ids.flatMap(id => {
    const entry = ctx.state.subscription(id);
    const key = id.toLowerCase();
    if (!entry || seen.has(key)) return [];
    seen.add(key);
    return (entry.scenario.tenantId ?? '').toLowerCase() === tenant
      ? [entry]
      : [];
  });
}

/** A skip token names the offset and the query it pages, so it cannot page another. */
function encodeSkipToken(offset: number, queryText: string): string {
  return Buffer.from(
    JSON.stringify({ offset, query: queryFingerprint(queryText) }),
  ).toString('base64url');
}

function decodeSkipToken(token: string, queryText: string): number {
  try {
    const { offset, query: fingerprint } = JSON.parse(
      Buffer.from(token, 'base64url').toString('utf8'),
    );
    if (
      Number.isInteger(offset) &&
      offset >= 0 &&
      fingerprint === queryFingerprint(queryText)
    )
      return offset;
  } catch {
    // fall through to the error below
  }
  throw new ArmHttpError(
    armErrors.badRequest(
      'InvalidSkipToken',
      `The $skipToken '${token}' is not valid for this query.`,
    ),
  );
}

function queryFingerprint(queryText: string): string {
  return queryText.replace(/\s+/g, ' ').trim();
}
