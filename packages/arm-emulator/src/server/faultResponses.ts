import { defaultErrorCode, armError } from '../http/armErrors';
import { ArmResponse } from '../http/types';
import { FaultEffect } from '../faults';

/**
 * The answer an injected fault status gives, worded like ARM's own: throttling with
 * Retry-After, AuthorizationFailed naming the action and scope, and gateway/server errors.
 */
export function faultResponse(
  effect: FaultEffect & { status: number },
  request: { method: string; path: string; action: string },
): ArmResponse {
  const { status } = effect;
  const code = effect.code ?? defaultErrorCode(status);
  const subscription =
    /^\/subscriptions\/([^/]+)/i.exec(request.path)?.[1] ?? 'unknown';
  const reads = request.method === 'GET' ? 'reads' : 'writes';
  const retryAfter = String(effect.retryAfterSeconds ?? 1);

  if (status === 429) {
    return armError(
      429,
      code,
      effect.message ??
        `Number of '${
          reads === 'reads' ? 'read' : 'write'
        }' requests for subscription '${subscription}' actor 'arm-emulator-client' exceeded. Please try after '${retryAfter}' seconds after which the limit is reset.`,
      {
        'retry-after': retryAfter,
        [`x-ms-ratelimit-remaining-subscription-${reads}`]: '0',
      },
    );
  }
  if (status === 403) {
    return armError(
      403,
      code,
      effect.message ??
        `The client 'arm-emulator-client' with object id '00000000-0000-0000-0000-000000000000' does not have authorization to perform action '${request.action}' over scope '${request.path}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }
  const headers: Record<string, string> =
    effect.retryAfterSeconds !== undefined ? { 'retry-after': retryAfter } : {};
  const messages: Record<number, string> = {
    500: `Encountered internal server error. Diagnostic information: timestamp '${new Date().toISOString()}', subscription id '${subscription}', tracking id '00000000-0000-0000-0000-000000000000'.`,
    502: `The gateway received an invalid response from the resource provider.`,
    503: 'The service is temporarily unavailable. Please try again later.',
    504: `The gateway did not receive a response from the resource provider within the specified time period.`,
  };
  return armError(
    status,
    code,
    effect.message ?? messages[status] ?? `Injected fault: HTTP ${status}.`,
    headers,
  );
}

/** A 200 whose JSON body is cut in half, as a broken proxy or connection might deliver. */
export function malformedJsonBody(normalBody: unknown): string {
  const json =
    normalBody === undefined
      ? '{"value":[{"id":"/subscriptions/'
      : JSON.stringify(normalBody);
  return json.slice(0, Math.max(1, Math.floor(json.length / 2)));
}
