import { expect, Page, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { enterAsGuest, readAsGuest } from './guestSession';

/*
 * Posture history in Chromium, through the running app, backend and ARM emulator, as the guest
 * user: the governance page and a group's overview card chart coverage and APIs at risk per
 * day (the demo backend gives its APIs 30 days of past), their sentences agree with the
 * backend's `GET /history`, and the API card says since when an API is at risk.
 */

const SCREENSHOTS = path.resolve(__dirname, '../../../docs/screenshots');

test.use({ viewport: { width: 1440, height: 1600 } });

/** The backend's history of a query once it has more than one day (the demo's past). */
async function historyWithPast(page: Page, query = ''): Promise<any> {
  let history: any;
  await expect
    .poll(
      async () => {
        history = await readAsGuest(page, `history${query}`);
        return history.days?.length ?? 0;
      },
      { timeout: 60_000 },
    )
    .toBeGreaterThan(1);
  return history;
}

function percent(ratio: number): string {
  if (ratio >= 1) return '100%';
  if (ratio <= 0) return '0%';
  return `${Math.min(99, Math.max(1, Math.round(ratio * 100)))}%`;
}

test('the governance page charts coverage and APIs at risk over time', async ({
  page,
}) => {
  await page.goto('/defender-apis');
  await enterAsGuest(page);
  const history = await historyWithPast(page);
  await page.reload();
  const card = page
    .locator('div[class*="MuiCard-root"]', {
      hasText: 'Coverage and APIs at risk over time',
    })
    .last();
  const first = history.days[0];
  const last = history.days[history.days.length - 1];
  await expect(card.getByTestId('posture-history')).toContainText(
    `coverage ${percent(first.coverage)} → ${percent(
      last.coverage,
    )}, APIs at risk ${first.atRisk} → ${last.atRisk}.`,
  );
  // The chart: a bar per day with APIs at risk and the coverage line.
  await expect(
    card.locator('.recharts-wrapper > svg.recharts-surface'),
  ).toBeVisible();
  await expect(card.locator('.recharts-line-curve')).toHaveCount(1);
  expect(await card.locator('.recharts-bar-rectangle').count()).toBeGreaterThan(
    1,
  );
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await card.screenshot({
    path: path.join(SCREENSHOTS, 'governance-history.png'),
  });
});

test("a group's overview card charts its own APIs over time", async ({
  page,
}) => {
  await page.goto('/catalog/default/group/team-payments');
  await enterAsGuest(page);
  const history = await historyWithPast(
    page,
    `?owner=${encodeURIComponent('group:default/team-payments')}`,
  );
  await page.reload();
  const card = page
    .locator('div[class*="MuiCard-root"]', { hasText: 'APIs this group owns' })
    .last();
  const last = history.days[history.days.length - 1];
  await expect(card.getByTestId('posture-history')).toContainText(
    `APIs at risk ${history.days[0].atRisk} → ${last.atRisk}.`,
  );
  await expect(
    card.locator('.recharts-wrapper > svg.recharts-surface'),
  ).toBeVisible();
  await card.screenshot({
    path: path.join(SCREENSHOTS, 'overview-card-history.png'),
  });
});

test('the API card says since when an API is at risk', async ({ page }) => {
  await page.goto('/catalog/default/api/checkout-api');
  await enterAsGuest(page);
  const posture = await readAsGuest(page, 'posture/api/default/checkout-api');
  expect(posture.status).toBe('atRisk');
  expect(posture.statusSince).toEqual(expect.any(String));
  await expect(page.getByTestId('posture-headline')).toContainText(
    /^At risk\ssince\s\d{1,2} [A-Z][a-z]{2}/,
  );
});
