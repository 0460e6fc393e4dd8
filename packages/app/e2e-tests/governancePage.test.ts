import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { enterAsGuest, readSummaryAsGuest } from './guestSession';

/*
 * The governance page in Chromium, through the running app, backend and ARM emulator, as the
 * guest user: its counts agree with the backend's summary, the table searches API names and
 * titles and filters by status (both applied by the backend), and the CSV export downloads the
 * rows the table shows.
 */

const SCREENSHOTS = path.resolve(__dirname, '../../../docs/screenshots');

test.use({ viewport: { width: 1440, height: 1600 } });

test('the governance page shows every API with its posture, filters and exports them', async ({
  page,
}) => {
  await page.goto('/defender-apis');
  await enterAsGuest(page);
  await expect(
    page.getByRole('heading', { name: 'Defender for APIs' }).first(),
  ).toBeVisible();

  // The same counts as the backend's summary for this user.
  const summary = await readSummaryAsGuest(page);
  expect(summary.total).toBeGreaterThan(10);
  // Exact: the "Shadow APIs" tile's name contains "APIs" too.
  await expect(
    page.getByRole('group', { name: 'APIs', exact: true }),
  ).toContainText(String(summary.total));
  await expect(page.getByRole('group', { name: 'At risk' })).toContainText(
    String(summary.byStatus.atRisk),
  );
  await expect(
    page.getByText(`APIs (${summary.total})`, { exact: true }),
  ).toBeVisible();
  await expect(page.getByRole('link', { name: 'Checkout API' })).toBeVisible();

  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({
    path: path.join(SCREENSHOTS, 'governance-page.png'),
    fullPage: true,
  });

  // Plan fit: one row per subscription of the summary's plans, with its traffic sentence.
  expect(summary.plans.length).toBeGreaterThan(0);
  const plans = page
    .locator('div[class*="MuiPaper-root"]', {
      hasText: 'Plans and API traffic',
    })
    .last();
  for (const plan of summary.plans) {
    await expect(plans.getByText(plan.subscriptionId)).toBeVisible();
  }
  await expect(plans.getByText(/ calls in P\d — /).first()).toBeVisible();
  await plans.screenshot({ path: path.join(SCREENSHOTS, 'plan-fit.png') });

  // The search goes to the backend as q, matching entity names and titles.
  const search = page.getByLabel('Search', { exact: true });
  await search.fill('checkout');
  await expect(page.getByText('APIs (1)', { exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Checkout API' })).toBeVisible();
  await search.fill('');
  await expect(
    page.getByText(`APIs (${summary.total})`, { exact: true }),
  ).toBeVisible();

  await page.getByLabel('Status', { exact: true }).selectOption('atRisk');
  await expect(
    page.getByText(`APIs (${summary.byStatus.atRisk})`, { exact: true }),
  ).toBeVisible();

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  const lines = csv.trim().split(/\r?\n/);
  expect(lines).toHaveLength(1 + summary.byStatus.atRisk);
  expect(csv).toContain('api:default/checkout-api');
  expect(csv).not.toContain('api:default/payments-api,');
});
