import { expect, Page, test } from '@playwright/test';

/*
 * A Backstage made by create-app, with our packed plugins installed by the READMEs' steps,
 * running against the ARM emulator: the API entity page shows the card with Azure's data, and
 * the governance page loads and lists the API.
 */

async function signIn(page: Page) {
  // create-app's legacy app signs in as guest automatically; an Enter button may still show.
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

test('the governance page loads and lists the API', async ({ page }) => {
  await page.goto('/defender-apis');
  await signIn(page);
  await expect(
    page.getByRole('heading', { name: 'Defender for APIs' }).first(),
  ).toBeVisible();
  await expect(page.getByText('APIs (1)')).toBeVisible();
  // Listed with its APIM title, linked to its entity page.
  await expect(
    page.locator('a[href="/catalog/default/api/checkout-api"]').first(),
  ).toBeVisible();
  await expect(
    page.getByText('1 of 1 applicable APIs onboarded').first(),
  ).toBeVisible();
});
