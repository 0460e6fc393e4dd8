import { FaultValidationError, parseFault } from '../faults';
import { armError } from '../http/armErrors';
import { ArmResponse } from '../http/types';
import { renderCollection } from '../resources/security';
import {
  generateScenario,
  GenerateScenarioOptions,
} from '../scenario/generateScenario';
import { demoScenario } from '../scenario/loadScenario';
import { ScenarioValidationError } from '../scenario/parseScenario';
import { Scenario } from '../scenario/types';
import { EmulatorCore } from './EmulatorCore';

/** Path prefix of the admin API; no ARM path starts with it. */
export const ADMIN_PREFIX = '/_admin';

/** Scenarios loadable by name. */
/** A bad admin request: answered 400 with its message. */
class BadAdminRequest extends Error {}

const NAMED_SCENARIOS: Record<string, () => Scenario> = { demo: demoScenario };

/**
 * The admin API (no authentication, not recorded in the request log): request log, faults,
 * scenario loading and reset, health.
 */
export function handleAdminRequest(
  core: EmulatorCore,
  method: string,
  path: string,
  body: string,
): ArmResponse {
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  try {
    switch (route) {
      case 'GET /_admin/health':
        return ok({ status: 'ok', scenario: core.scenario.name });
      case 'GET /_admin/requests':
        return ok({ requests: core.log.list() });
      case 'DELETE /_admin/requests':
        core.log.clear();
        return { status: 204 };
      case 'GET /_admin/faults':
        return ok({ faults: core.faults.list() });
      case 'POST /_admin/faults':
        return {
          status: 201,
          body: core.faults.add(parseFault(parseJson(body))),
        };
      case 'DELETE /_admin/faults':
        core.faults.clear();
        return { status: 204 };
      case 'GET /_admin/scenario':
        return ok(core.scenario);
      case 'POST /_admin/scenario':
        core.loadScenario(scenarioFromBody(parseJson(body)));
        return ok({ status: 'loaded', scenario: core.scenario.name });
      case 'POST /_admin/reset':
        core.reset();
        return { status: 204 };
      case 'GET /_admin/collections':
        return ok({ value: core.state.allCollections().map(renderCollection) });
      default: {
        const faultId = /^DELETE \/_admin\/faults\/([^/]+)$/.exec(route)?.[1];
        if (faultId) {
          return core.faults.remove(decodeURIComponent(faultId))
            ? { status: 204 }
            : armError(404, 'NotFound', `No fault with id '${faultId}'.`);
        }
        return armError(404, 'NotFound', `Unknown admin route '${route}'.`);
      }
    }
  } catch (error) {
    if (
      error instanceof BadAdminRequest ||
      error instanceof ScenarioValidationError ||
      error instanceof FaultValidationError
    ) {
      return armError(400, 'BadRequest', error.message);
    }
    throw error;
  }
}

/**
 * `POST /_admin/scenario` accepts a whole scenario, `{ "name": "demo" }`, or
 * `{ "generate": { "apis": 500, ... } }`.
 */
function scenarioFromBody(body: unknown): Scenario {
  const value = (body ?? {}) as Record<string, unknown>;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new BadAdminRequest('Expected a JSON object.');
  }
  if ('subscriptions' in value) return value as unknown as Scenario; // validated on load
  if (typeof value.name === 'string') {
    const named = NAMED_SCENARIOS[value.name];
    if (!named) {
      throw new BadAdminRequest(
        `Unknown scenario '${value.name}'; known: ${Object.keys(
          NAMED_SCENARIOS,
        ).join(', ')}.`,
      );
    }
    return named();
  }
  if (value.generate && typeof value.generate === 'object') {
    try {
      return generateScenario(value.generate as GenerateScenarioOptions);
    } catch (error) {
      throw new BadAdminRequest(`generate: ${(error as Error).message}`);
    }
  }
  throw new BadAdminRequest(
    'Expected a scenario (with "subscriptions"), { "name": "demo" } or { "generate": { "apis": N } }.',
  );
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new BadAdminRequest(
      `The body is not valid JSON: ${(error as Error).message}`,
    );
  }
}

function ok(body: unknown): ArmResponse {
  return { status: 200, body };
}
