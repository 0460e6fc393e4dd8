import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { enterAsGuest, readSummaryAsGuest } from './guestSession';

/*
 * The Defender for APIs overview card on a Group page, in Chromium through the running app,
 * backend and ARM emulator, as the guest user: coverage of the group's own APIs agrees with
 * the backend's summary for that owner, and the APIs that need attention link to their pages.
 */

const SCREENSHOTS = path.resolve(__dirname, '../../../docs/screenshots');

test.use({ viewport: { width: 1280, height: 1400 } });

test("a group's page shows the coverage and the APIs that need attention", async ({
  page,
}) => {
  await page.goto('/catalog/default/group/team-payments');
  await enterAsGuest(page);
  const card = page
    .locator('div[class*="MuiCard-root"]', { hasText: 'APIs this group owns' })
    .last();
  await expect(card).toBeVisible();

  const summary = (await readSummaryAsGuest(page)).byOwner[
    'group:default/team-payments'
  ];
  expect(summary.total).toBeGreaterThan(0);
  await expect(card.getByTestId('overview-coverage')).toContainText(
    `of ${summary.applicable} applicable`,
  );
  for (const [status, count] of Object.entries(summary.byStatus)) {
    if (!count) continue;
    await expect(
      card.getByTestId(`status-count-${status}`).locator('td').last(),
    ).toHaveText(String(count));
  }

  const attention = card.getByRole('list', {
    name: 'APIs that need attention',
  });
  const first = attention.getByRole('link').first();
  await expect(first).toBeVisible();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await card.screenshot({ path: path.join(SCREENSHOTS, 'overview-card.png') });

  // Each API links to its entity page.
  const href = await first.getAttribute('href');
  expect(href).toMatch(/^\/catalog\/default\/api\/[a-z0-9-]+$/);
  await first.click();
  await expect(page).toHaveURL(new RegExp(`${href}$`));
});
