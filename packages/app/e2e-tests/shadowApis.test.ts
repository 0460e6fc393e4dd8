import { expect, test } from '@playwright/test';
import path from 'node:path';
import { enterAsGuest } from './guestSession';

/*
 * The shadow APIs tab of the governance page in Chromium, through the running app, backend and
 * ARM emulator, as the guest user (a member of team-payments, who may read the whole catalog):
 * the demo's three APIs that no catalog entity maps to are counted, listed with what Defender
 * for APIs knows of them, filtered by the backend, and each has a catalog-info.yaml to claim it.
 */

const SCREENSHOTS = path.resolve(__dirname, '../../../docs/screenshots');
const WEBHOOKS_ID =
  '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-payments/providers/Microsoft.ApiManagement/service/contoso-payments-apim/apis/partner-webhooks-api';

test.use({ viewport: { width: 1440, height: 1200 } });

test('the governance page lists the shadow APIs and gives a catalog-info.yaml to claim one', async ({
  page,
}) => {
  await page.goto('/defender-apis');
  await enterAsGuest(page);

  await expect(page.getByRole('group', { name: 'Shadow APIs' })).toContainText(
    '3',
  );
  await page.getByRole('tab', { name: 'Shadow APIs (3)' }).click();

  const table = page.locator('div[class*="MuiPaper-root"]', {
    hasText: 'Shadow APIs (3)',
  });
  for (const name of [
    'Internal Admin API',
    'Partner Webhooks API',
    'Store Locator API',
  ]) {
    await expect(table.getByRole('link', { name })).toBeVisible();
  }
  // Entities of the catalog map every other API of the demo's services.
  await expect(table.getByRole('link', { name: 'Checkout API' })).toHaveCount(
    0,
  );
  await expect(
    table.getByText(
      'No: This is a GraphQL API; Defender for APIs protects REST APIs only.',
    ),
  ).toBeVisible();
  await page.screenshot({
    path: path.join(SCREENSHOTS, 'shadow-apis.png'),
    fullPage: true,
  });

  await page
    .getByRole('button', { name: 'catalog-info.yaml for Partner Webhooks API' })
    .click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(
    `azure.com/api-management-api: "${WEBHOOKS_ID}"`,
  );
  await expect(dialog).toContainText('owner: "group:default/team-payments"');
  await expect(dialog).toContainText('kind: API');
  await dialog.screenshot({
    path: path.join(SCREENSHOTS, 'shadow-api-claim.png'),
  });
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The filter goes to the backend: one of the three is onboarded.
  await page.getByLabel('Onboarded', { exact: true }).selectOption('false');
  await expect(page.getByText('Shadow APIs (2)').last()).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Internal Admin API' }),
  ).toHaveCount(0);
});
