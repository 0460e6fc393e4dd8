import { defineConfig, LaunchOptions } from '@playwright/test';

/** Debian's Chromium, headless, never a downloaded browser; shared with the adoption test. */
export const CHROMIUM_LAUNCH_OPTIONS: LaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

/**
 * End-to-end tests in Debian's Chromium (never a downloaded browser) against the running
 * app, backend and ARM emulator. `scripts/test.sh` starts them and sets E2E_EXTERNAL_STACK;
 * run alone, `yarn test:e2e` starts them itself through scripts/start.sh.
 */
export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  forbidOnly: true,
  retries: 0,
  workers: 1,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'e2e-test-report' }],
  ],
  webServer: process.env.E2E_EXTERNAL_STACK
    ? undefined
    : {
        command: 'bash scripts/start.sh',
        url: 'http://localhost:3000',
        reuseExistingServer: true,
        timeout: 400_000,
        // start.sh stops the emulator, backend and app (own process groups) on SIGTERM; the
        // default SIGKILL would leave them running for the next run to reuse.
        gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
      },
  use: {
    baseURL: process.env.PLAYWRIGHT_URL ?? 'http://localhost:3000',
    screenshot: 'only-on-failure',
    launchOptions: CHROMIUM_LAUNCH_OPTIONS,
  },
  outputDir: 'node_modules/.cache/e2e-test-results',
});
