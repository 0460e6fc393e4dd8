import { defineConfig } from '@playwright/test';
import { CHROMIUM_LAUNCH_OPTIONS } from '../../playwright.config';

/**
 * The adoption test's browser check (scripts/test-adoption.sh): Debian's Chromium against the
 * fresh create-app Backstage, whose backend serves the built app on :7007. ADOPTED_APP names
 * the app (legacy or new) so each keeps its own results.
 */
export default defineConfig({
  testDir: '.',
  testMatch: 'adoptedApp.spec.ts',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  forbidOnly: true,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  outputDir: `../../.cache/adoption/test-results-${
    process.env.ADOPTED_APP ?? 'app'
  }`,
  use: {
    baseURL: 'http://localhost:7007',
    viewport: { width: 1280, height: 1400 },
    launchOptions: CHROMIUM_LAUNCH_OPTIONS,
  },
});
