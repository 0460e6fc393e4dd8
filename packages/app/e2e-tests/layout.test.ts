import { expect, Locator, Page, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { enterAsGuest } from './guestSession';
import { layoutProblems } from './layoutChecks';

/*
 * Every view reads well at the widths people use (1280, 1440 and 1920 px; at 1280 the entity
 * pages' cards sit in a column of about 480 px): the governance page, the overview card on a
 * group page and the API card, checked from the DOM as Chromium lays them out (layoutChecks.ts)
 * and kept as screenshots (under node_modules/.cache/e2e-test-results/layout). The README's
 * screenshots come from the other e2e tests, which run at these widths too.
 */

const WIDTHS = [1280, 1440, 1920];
const SHOTS_BY_WIDTH = path.resolve(
  __dirname,
  '../../../node_modules/.cache/e2e-test-results/layout',
);

async function shoot(target: Locator | Page, name: string, dir: string) {
  fs.mkdirSync(dir, { recursive: true });
  await target.screenshot({ path: path.join(dir, `${name}.png`) });
}

function cardTitled(page: Page, text: string): Locator {
  return page.locator('div[class*="MuiCard-root"]', { hasText: text }).last();
}

for (const width of WIDTHS) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: 1600 } });

    test('the governance page reads well', async ({ page }) => {
      await page.goto('/defender-apis');
      await enterAsGuest(page);
      await expect(
        page.getByRole('link', { name: 'Checkout API' }),
      ).toBeVisible();
      await expect(page.getByText('Coverage by owner')).toBeVisible();
      const main = page.locator('main');
      expect(await layoutProblems(main)).toEqual([]);
      await shoot(page, `governance-page-${width}`, SHOTS_BY_WIDTH);
    });

    test('the overview card reads well', async ({ page }) => {
      await page.goto('/catalog/default/group/team-payments');
      await enterAsGuest(page);
      const card = cardTitled(page, 'APIs this group owns');
      await expect(card.getByTestId('overview-coverage')).toBeVisible();
      expect(await layoutProblems(card)).toEqual([]);
      await shoot(card, `overview-card-${width}`, SHOTS_BY_WIDTH);
    });

    // At risk with alerts and recommendations; not onboarded (the Onboard button); Defender CSPM posture only.
    for (const api of ['checkout-api', 'fx-rates-api', 'orders-api']) {
      test(`the API card of ${api} reads well`, async ({ page }) => {
        await page.goto(`/catalog/default/api/${api}`);
        await enterAsGuest(page);
        const card = cardTitled(page, 'Defender for APIs');
        await expect(card.getByTestId('posture-headline')).toBeVisible();
        expect(await layoutProblems(card)).toEqual([]);
        await shoot(card, `card-${api}-${width}`, SHOTS_BY_WIDTH);
      });
    }
  });
}
