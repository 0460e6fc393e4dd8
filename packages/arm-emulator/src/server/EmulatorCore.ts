import { FaultStore } from '../faults';
import { RequestLog } from '../requestLog';
import { parseScenario } from '../scenario/parseScenario';
import { Scenario } from '../scenario/types';
import { EmulatorState, LroBehaviour } from '../state/EmulatorState';
import { RouteSettings } from '../http/types';
import { ResourceGraphQuota } from '../http/resourceGraphQuota';

/**
 * The emulator without its HTTP server: the loaded scenario, the live state built from it,
 * the injected faults and the request log. Shared by the ARM routes, the admin API and the
 * programmatic `ArmEmulator` handle.
 */
export class EmulatorCore {
  readonly faults = new FaultStore();
  readonly log = new RequestLog();
  readonly resourceGraphQuota: ResourceGraphQuota;
  private currentScenario: Scenario;
  private currentState: EmulatorState;

  constructor(
    scenario: Scenario,
    readonly settings: RouteSettings,
    private readonly lro: LroBehaviour,
    resourceGraphQueriesPer5s = 15,
  ) {
    this.resourceGraphQuota = new ResourceGraphQuota(
      resourceGraphQueriesPer5s,
      5000,
    );
    this.currentScenario = parseScenario(scenario);
    this.currentState = new EmulatorState(this.currentScenario, this.lro);
  }

  get scenario(): Scenario {
    return this.currentScenario;
  }

  get state(): EmulatorState {
    return this.currentState;
  }

  /** Replaces the scenario (validating it) and starts afresh: new state, no faults, empty log. */
  loadScenario(scenario: Scenario): void {
    this.currentScenario = parseScenario(structuredClone(scenario));
    this.reset();
  }

  /** Back to the scenario as loaded: onboarding undone, faults and request log cleared. */
  reset(): void {
    this.currentState = new EmulatorState(this.currentScenario, this.lro);
    this.faults.clear();
    this.log.clear();
    this.resourceGraphQuota.clear();
  }
}
