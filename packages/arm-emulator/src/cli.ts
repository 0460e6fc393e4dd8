import { parseArgs } from 'node:util';
import { generateScenario } from './scenario/generateScenario';
import { demoScenario, loadScenarioFile } from './scenario/loadScenario';
import { Scenario } from './scenario/types';
import {
  ArmEmulatorOptions,
  startArmEmulator,
} from './server/startArmEmulator';

const USAGE = `Usage: arm-emulator [options]

  --port N           port to listen on (default 8443; 0 = any free port)
  --host HOST        host to listen on (default localhost)
  --scenario S       "demo" (default) or the path of a scenario JSON file
  --generate N       serve a generated scenario of N APIs instead
  --cert-dir DIR     certificate directory (default $ARM_EMULATOR_CERT_DIR or <repo>/.cache/arm-emulator)
  --page-size N      items per page of every list (default 10)
  --lro-polls N      onboarding polls answered 202 before the outcome (default 2)
  --retry-after N    Retry-After seconds of onboarding answers (default 1)
  --help             show this help`;

/** Parses the CLI flags into emulator options; throws with a usage hint on bad input. */
export function parseCliArgs(argv: string[]): ArmEmulatorOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      scenario: { type: 'string' },
      generate: { type: 'string' },
      'cert-dir': { type: 'string' },
      'page-size': { type: 'string' },
      'lro-polls': { type: 'string' },
      'retry-after': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  if (values.scenario && values.generate) {
    throw new Error('Give either --scenario or --generate, not both');
  }
  const int = (name: string, raw: string | undefined, min: number) => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`--${name} must be an integer >= ${min}, got "${raw}"`);
    return n;
  };
  const apis = int('generate', values.generate, 1);
  let scenario: Scenario;
  if (apis !== undefined) scenario = generateScenario({ apis });
  else if (!values.scenario || values.scenario === 'demo')
    scenario = demoScenario();
  else scenario = loadScenarioFile(values.scenario);

  const pollsUntilDone = int('lro-polls', values['lro-polls'], 0);
  const retryAfterSeconds = int('retry-after', values['retry-after'], 0);
  return {
    port: int('port', values.port, 0) ?? 8443,
    host: values.host ?? 'localhost',
    scenario,
    certDir: values['cert-dir'],
    pageSize: int('page-size', values['page-size'], 1),
    lro: {
      ...(pollsUntilDone !== undefined ? { pollsUntilDone } : {}),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    },
  };
}

/** Runs the `arm-emulator` command until SIGINT/SIGTERM. */
export async function runCli(argv: string[]): Promise<void> {
  let options: ArmEmulatorOptions | 'help';
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    process.stderr.write(
      `arm-emulator: ${(error as Error).message}\n\n${USAGE}\n`,
    );
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const emulator = await startArmEmulator(options);
  process.stdout.write(
    `ARM emulator listening on ${emulator.url} (CA: ${emulator.caFile})\n`,
  );

  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
