import { setTimeout as sleep } from 'node:timers/promises';
import { ArmHttpError, armError, armErrors } from '../http/armErrors';
import { RouteTable, splitPath } from '../http/routeTable';
import { ArmResponse, RouteContext } from '../http/types';
import { EmulatorCore } from './EmulatorCore';
import { faultResponse, malformedJsonBody } from './faultResponses';

/** An ARM request, read off the socket. */
export interface ArmRequest {
  method: string;
  /** Path as sent (percent-encoded). */
  rawPath: string;
  query: URLSearchParams;
  authorization?: string;
  body: string;
  /** `https://host:port` as the client addressed the emulator. */
  baseUrl: string;
}

/** How the emulator answers an ARM request. */
export interface ArmOutcome {
  response: ArmResponse;
  /** Replaces the JSON body when a fault asks for malformed JSON. */
  rawBody?: string;
  /** Percent-decoded path, for the request log. */
  path: string;
  hasBearerToken: boolean;
  /** The `tid` claim of the bearer token, when it names one. */
  tokenTenant?: string;
  faultId?: string;
}

/**
 * The `tid` claim of a JWT-shaped bearer token. The emulator checks no signature: it only
 * needs to know which tenant a client asked a token of.
 */
export function tokenTenantOf(
  authorization: string | undefined,
): string | undefined {
  const payload = authorization?.replace(/^Bearer\s+/i, '').split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(
      Buffer.from(payload, 'base64url').toString('utf8'),
    );
    return typeof claims?.tid === 'string' ? claims.tid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Answers one ARM request: authentication (401 without a bearer token), then injected
 * faults, then the route (404 unknown, 405 method, 400 api-version) and its handler.
 */
export async function handleArmRequest(
  core: EmulatorCore,
  routes: RouteTable,
  request: ArmRequest,
  signal: AbortSignal,
): Promise<ArmOutcome> {
  const segments = splitPath(request.rawPath).map(safeDecode);
  const path = `/${segments.join('/')}`;
  const bearer = /^Bearer\s+\S/i.test(request.authorization ?? '');
  const tokenTenant = bearer ? tokenTenantOf(request.authorization) : undefined;
  const base = {
    path,
    hasBearerToken: bearer,
    ...(tokenTenant ? { tokenTenant } : {}),
  };

  if (!bearer) {
    const response = request.authorization
      ? armErrors.invalidToken()
      : armErrors.missingToken();
    return { ...base, response };
  }
  // As ARM does: a subscription answers only tokens of its own tenant.
  if (segments[0]?.toLowerCase() === 'subscriptions' && segments[1]) {
    const subscription = core.state.subscription(segments[1]);
    const tenant = subscription?.scenario.tenantId;
    if (subscription && tenant?.toLowerCase() !== tokenTenant?.toLowerCase()) {
      return { ...base, response: armErrors.wrongTenant(tokenTenant, tenant) };
    }
  }

  const fault = core.faults.take({ method: request.method, path });
  if (fault?.effect.delayMs)
    await sleep(fault.effect.delayMs, undefined, { signal });

  const match = routes.match(segments);
  if (fault?.effect.status !== undefined) {
    const verb =
      { GET: 'read', PUT: 'write', DELETE: 'delete' }[request.method] ??
      'action';
    const action = `${
      match?.route.resourceType ?? 'Microsoft.Resources/resources'
    }/${verb}`;
    const response = faultResponse(
      { ...fault.effect, status: fault.effect.status },
      { method: request.method, path, action },
    );
    return { ...base, response, faultId: fault.id };
  }

  const response = dispatch(core, match, request, tokenTenant);
  if (fault?.effect.malformedJson) {
    return {
      ...base,
      response: { status: 200, headers: response.headers },
      rawBody: malformedJsonBody(response.body),
      faultId: fault.id,
    };
  }
  return { ...base, response, faultId: fault?.id };
}

function dispatch(
  core: EmulatorCore,
  match: ReturnType<RouteTable['match']>,
  request: ArmRequest,
  tokenTenant: string | undefined,
): ArmResponse {
  const fullUrl = `${request.baseUrl}${request.rawPath}${
    request.query.size ? `?${request.query}` : ''
  }`;
  if (!match) return armErrors.unknownRoute(request.method, fullUrl);
  const handler =
    match.route.handlers[request.method as 'GET' | 'PUT' | 'DELETE' | 'POST'];
  if (!handler) return armErrors.methodNotAllowed(request.method);

  const apiVersion = request.query.get('api-version');
  if (!apiVersion) return armErrors.missingApiVersion();
  if (!match.route.apiVersions.includes(apiVersion)) {
    return armErrors.invalidApiVersion(
      apiVersion,
      match.route.resourceType,
      match.route.apiVersions,
    );
  }

  let body: unknown;
  if (request.body.trim() !== '') {
    try {
      body = JSON.parse(request.body);
    } catch {
      return armError(
        400,
        'InvalidRequestContent',
        'The request content was invalid and could not be deserialized.',
      );
    }
  }

  const ctx: RouteContext = {
    method: request.method,
    rawPath: request.rawPath,
    params: match.params,
    query: request.query,
    body,
    baseUrl: request.baseUrl,
    state: core.state,
    settings: core.settings,
    ...(tokenTenant ? { tokenTenant } : {}),
    resourceGraphQuota: core.resourceGraphQuota,
  };
  try {
    return handler(ctx);
  } catch (error) {
    if (error instanceof ArmHttpError) return error.response;
    throw error;
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
