/**
 * HTTPS emulator of the Azure Resource Manager calls the Defender for APIs plugins make:
 * API Management services and APIs, Defender for APIs onboarding (apiCollections, with its
 * long-running operation), plans, alerts and assessments. For development, tests, demos and
 * benchmarks.
 *
 * @packageDocumentation
 */

export { startArmEmulator } from './server/startArmEmulator';
export type {
  ArmEmulator,
  ArmEmulatorOptions,
  ApiCollectionResource,
} from './server/startArmEmulator';
export { ensureEmulatorCertificates, defaultCertDir } from './certificates';
export type { EmulatorCertificates } from './certificates';
export { demoScenario, loadScenarioFile } from './scenario/loadScenario';
export { generateScenario } from './scenario/generateScenario';
export { seededRandom } from './util/seededRandom';
export type { GenerateScenarioOptions } from './scenario/generateScenario';
export {
  parseScenario,
  ScenarioValidationError,
} from './scenario/parseScenario';
export * from './scenario/types';
export { parseFault, FaultValidationError } from './faults';
export type { Fault, FaultSpec, FaultMatch, FaultEffect } from './faults';
export type { RecordedRequest } from './requestLog';
export { API_VERSIONS } from './routes/apiVersions';
export { apimServiceId, apimApiId, apiCollectionId } from './state/resourceIds';
