import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureEmulatorCertificates } from './certificates';

/**
 * The environment a child needs to trust the emulator's CA. NODE_EXTRA_CA_CERTS names one
 * file only, so a CA file the caller already trusts is bundled with ours.
 */
export function environmentTrustingCa(
  env: NodeJS.ProcessEnv,
  caFile: string,
): NodeJS.ProcessEnv {
  const existing = env.NODE_EXTRA_CA_CERTS;
  if (!existing || path.resolve(existing) === path.resolve(caFile)) {
    return { ...env, NODE_EXTRA_CA_CERTS: caFile };
  }
  const bundle = path.join(path.dirname(caFile), 'extra-ca-bundle.pem');
  fs.writeFileSync(
    bundle,
    `${fs.readFileSync(existing, 'utf8').trimEnd()}\n${fs.readFileSync(
      caFile,
      'utf8',
    )}`,
  );
  return { ...env, NODE_EXTRA_CA_CERTS: bundle };
}

/**
 * `with-arm-emulator-ca <command> [args...]`: ensures the emulator certificates, runs the
 * command with NODE_EXTRA_CA_CERTS pointing at the CA, forwards SIGINT/SIGTERM to it and exits
 * with its exit code (or its signal).
 */
export function runWithArmEmulatorCa(argv: string[]): void {
  if (argv.length === 0) {
    process.stderr.write('Usage: with-arm-emulator-ca <command> [args...]\n');
    process.exit(2);
  }
  const { caFile } = ensureEmulatorCertificates();
  const child = spawn(argv[0], argv.slice(1), {
    stdio: 'inherit',
    env: environmentTrustingCa(process.env, caFile),
    // .cmd shims (yarn, backstage-cli) need a shell on Windows.
    shell: process.platform === 'win32',
  });

  const forward = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null) child.kill(signal);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);

  child.on('error', error => {
    process.stderr.write(
      `with-arm-emulator-ca: cannot run ${argv[0]}: ${error.message}\n`,
    );
    process.exit(127);
  });
  child.on('exit', (code, signal) => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    if (signal) {
      // Die of the same signal, so our parent sees what happened to the child.
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}
