import { expect, Locator, Page, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

/*
 * The Defender for APIs card in Chromium, through the running app, backend and ARM emulator,
 * as the guest user (a member of team-payments). The onboarding test changes the emulator's
 * and the backend's state (and offboards the API again at its end): run it against a freshly
 * started product (scripts/test.sh does).
 */

// Tall enough to show the whole card in the screenshots.
test.use({ viewport: { width: 1280, height: 1400 } });

const SCREENSHOTS = path.resolve(__dirname, '../../../docs/screenshots');

async function openEntity(page: Page, name: string): Promise<Locator> {
  await page.goto(`/catalog/default/api/${name}`);
  const enter = page.getByRole('button', { name: 'Enter' });
  // The guest sign-in page appears only on the first visit of a browser context.
  await enter.click({ timeout: 5_000 }).catch(() => undefined);
  const card = page
    .locator('article, div[class*="MuiCard-root"]', {
      hasText: 'Defender for APIs',
    })
    .last();
  await expect(card).toBeVisible();
  return card;
}

async function screenshot(card: Locator, name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await card.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

test('a protected API shows its figures', async ({ page }) => {
  const card = await openEntity(page, 'payments-api');
  await expect(card.getByText('Protected', { exact: true })).toBeVisible();
  await expect(
    card.getByText('0 of 12 endpoints unauthenticated'),
  ).toBeVisible();
  await expect(card.getByText(/plan P1/)).toBeVisible();
  await expect(card.getByRole('button', { name: 'Onboard' })).toHaveCount(0);
  await screenshot(card, 'card-protected');
});

test('an API covered by Defender CSPM posture only shows its findings, sensitive data not scanned, and no Onboard button', async ({
  page,
}) => {
  // retail-dev: the Defender for APIs plan is off, Defender CSPM's API posture is on.
  const card = await openEntity(page, 'orders-api');
  await expect(card.getByText('Posture only', { exact: true })).toBeVisible();
  await expect(
    card.getByText(/Posture findings from Defender CSPM; no threat detection/),
  ).toBeVisible();
  await expect(
    card.getByText('2 of 9 endpoints unauthenticated'),
  ).toBeVisible();
  await expect(
    card.getByText(
      'Not scanned: Defender CSPM sensitive data discovery is off',
    ),
  ).toBeVisible();
  await expect(card.getByRole('button', { name: 'Onboard' })).toHaveCount(0);
  // Defender CSPM's attack paths through the API, from Resource Graph, highest risk first.
  await expect(card.getByText('2 attack paths through this API')).toBeVisible();
  const paths = card.getByRole('list', { name: 'Attack paths' });
  await expect(paths.getByRole('listitem').first()).toContainText(
    'Critical risk · Lateral movement · Internet → vm-orders-worker · through POST /orders/sync',
  );
  await screenshot(card, 'card-posture-only');
});

test('an at-risk API shows unauthenticated endpoints, sensitive data and alerts by severity', async ({
  page,
}) => {
  const card = await openEntity(page, 'checkout-api');
  await expect(card.getByText('At risk', { exact: true })).toBeVisible();
  await expect(
    card.getByText('2 of 14 endpoints unauthenticated'),
  ).toBeVisible();
  await expect(
    card.getByText(
      /3 endpoints exposing sensitive data · label "Confidential"/,
    ),
  ).toBeVisible();
  await expect(card.getByText(/1 high/).first()).toBeVisible();
  await expect(
    card.getByRole('link', {
      name: /API endpoints in Azure API Management should be authenticated/,
    }),
  ).toBeVisible();
  // Which endpoints: named by each recommendation, listed with method and URL on request.
  await expect(
    card.getByText(/on 2 endpoints: create-order, get-order-status/),
  ).toBeVisible();
  await expect(card.getByText('2 endpoints with open findings')).toBeVisible();
  await card.getByRole('button', { name: 'Show endpoints' }).click();
  const endpoints = card.getByRole('list', {
    name: 'Endpoints with open findings',
  });
  await expect(endpoints).toContainText('POST /orders');
  await expect(endpoints).toContainText('GET /orders/{orderId}/status');
  await expect(endpoints.getByText('Unauthenticated').first()).toBeVisible();
  await screenshot(card, 'card-at-risk');
});

test("another team's API shows a disabled Onboard button that says who may onboard it", async ({
  page,
}) => {
  const card = await openEntity(page, 'fx-rates-api');
  await expect(card.getByText('Unprotected', { exact: true })).toBeVisible();
  const button = card.getByRole('button', { name: 'Onboard' });
  await expect(button).toBeDisabled();
  await card.getByTestId('onboard-button-wrapper').hover();
  await expect(page.getByRole('tooltip')).toHaveText(
    'Only owners (team-checkout) can onboard this API',
  );
  await screenshot(card, 'card-not-owner');
});

test("the guest onboards its team's API, then offboards it: dialogs, onboarding, awaiting data, unprotected again", async ({
  page,
}) => {
  const card = await openEntity(page, 'wallet-api');
  await expect(card.getByText('Unprotected', { exact: true })).toBeVisible();
  const button = card.getByRole('button', { name: 'Onboard' });
  await expect(button).toBeEnabled();
  await screenshot(card, 'card-not-onboarded');

  await button.click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(/billing/i);
  await expect(dialog).toContainText('50 minutes');
  await dialog.getByRole('button', { name: 'Onboard' }).click();

  await expect(
    card.getByText('Onboarding', { exact: true }).first(),
  ).toBeVisible();
  await expect(card.getByText('Awaiting data', { exact: true })).toBeVisible({
    timeout: 60_000,
  });
  await expect(card.getByRole('button', { name: 'Onboard' })).toHaveCount(0);
  await screenshot(card, 'card-awaiting-data');

  // Offboarding asks first, naming the API and what stops with it.
  await card.getByRole('button', { name: 'Offboard' }).click();
  const confirm = page.getByRole('dialog');
  await expect(confirm).toContainText(
    'Offboard Wallet API from Defender for APIs?',
  );
  await expect(confirm).toContainText('no longer detects threats');
  await expect(confirm).toContainText('with their history');
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await confirm.screenshot({
    path: path.join(SCREENSHOTS, 'card-offboard-confirm.png'),
    // The dialog fades in: finish the transition so nothing shows through.
    animations: 'disabled',
  });
  await confirm.getByRole('button', { name: 'Offboard' }).click();

  await expect(
    card.getByText(/threat detection and alerts for this API have stopped/),
  ).toBeVisible();
  await expect(card.getByText('Unprotected', { exact: true })).toBeVisible();
  await expect(card.getByRole('button', { name: 'Onboard' })).toBeEnabled();
  // Stored at once: a new page view shows it too.
  const reloaded = await openEntity(page, 'wallet-api');
  await expect(
    reloaded.getByText('Unprotected', { exact: true }),
  ).toBeVisible();
});
