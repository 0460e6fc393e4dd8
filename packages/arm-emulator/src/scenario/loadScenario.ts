import fs from 'node:fs';
import path from 'node:path';
import { packageDir } from '../certificates';
import { parseScenario, ScenarioValidationError } from './parseScenario';
import { Scenario } from './types';

/** The scenarios shipped in the package's `scenarios/` folder. */
const SCENARIO_DIR = path.join(packageDir(), 'scenarios');

/**
 * Reads and validates a scenario JSON file.
 * @throws ScenarioValidationError naming the file and every bad field
 * @public
 */
export function loadScenarioFile(file: string): Scenario {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(
      `Cannot read scenario file ${file}: ${(error as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ScenarioValidationError(file, [
      `not valid JSON: ${(error as Error).message}`,
    ]);
  }
  return parseScenario(json, file);
}

/**
 * The demo scenario (`scenarios/demo.json`): payments-prod with Defender for APIs on, retail-dev
 * with it off, and APIs in every state the plugin shows. A fresh copy on each call.
 * @public
 */
export function demoScenario(): Scenario {
  return loadScenarioFile(path.join(SCENARIO_DIR, 'demo.json'));
}
