import { expect, Page, test } from '@playwright/test';

/*
 * A Backstage made by create-app (legacy, or the default new frontend system app), with our
 * packed plugins installed by the READMEs' steps, running against the ARM emulator: the API
 * entity page shows the card with Azure's data, the governance page opens from the nav and lists
 * the API, and the owner group's page shows the overview card.
 */

async function signIn(page: Page) {
  // create-app's apps sign in as guest; an Enter button may show first.
  await page
    .getByRole('button', { name: 'Enter' })
    .click({ timeout: 5_000 })
    .catch(() => undefined);
}

test('the API entity page shows the Defender for APIs card with data', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const card = page
    .locator('div[class*="MuiCard-root"]', { hasText: 'Defender for APIs' })
    .last();
  // A fresh catalog may not hold the entity yet: open the page again until it does.
  await expect(async () => {
    await page.goto('/catalog/default/api/checkout-api');
    await signIn(page);
    await expect(card).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 120_000 });
  // Until a catalog-wide read has checked the entity's claim (at most about a minute after
  // the card asked for one), the card says so and reads again by itself.
  await expect(card.getByText('At risk', { exact: true })).toBeVisible({
    timeout: 100_000,
  });
  await expect(
    card.getByText('2 of 14 endpoints unauthenticated'),
  ).toBeVisible();
});

test('the governance page opens from the nav and lists the API', async ({
  page,
}) => {
  await page.goto('/catalog');
  await signIn(page);
  await page.locator('nav a[href="/defender-apis"]').first().click();
  await expect(page).toHaveURL(/\/defender-apis$/);
  await expect(
    page.getByRole('heading', { name: 'Defender for APIs' }).first(),
  ).toBeVisible();
  await expect(page.getByText('APIs (1)', { exact: true })).toBeVisible();
  // Listed with its APIM title, linked to its entity page.
  await expect(
    page.locator('a[href="/catalog/default/api/checkout-api"]').first(),
  ).toBeVisible();
  await expect(
    page.getByText('1 of 1 applicable APIs onboarded').first(),
  ).toBeVisible();
});

test("the owner group's page shows the overview card", async ({ page }) => {
  await page.goto('/catalog/default/group/team-payments');
  await signIn(page);
  const card = page
    .locator('div[class*="MuiCard-root"]', { hasText: 'APIs this group owns' })
    .last();
  await expect(card).toBeVisible();
  await expect(card.getByTestId('overview-coverage')).toContainText(
    'of 1 applicable',
  );
  await expect(
    card.getByRole('link', { name: /checkout/i }).first(),
  ).toBeVisible();
});
