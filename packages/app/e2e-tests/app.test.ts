import { expect, test } from '@playwright/test';

test('the app signs the guest in and lists the sample APIs', async ({
  page,
}) => {
  await page.goto('/catalog?filters[kind]=api&filters[user]=all');
  const enter = page.getByRole('button', { name: 'Enter' });
  if (await enter.isVisible().catch(() => false)) await enter.click();
  await expect(page.getByText('Contoso Catalog')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Checkout API' })).toBeVisible();
});

test('an API entity page renders with the Defender for APIs card', async ({
  page,
}) => {
  await page.goto('/catalog/default/api/checkout-api');
  const enter = page.getByRole('button', { name: 'Enter' });
  if (await enter.isVisible().catch(() => false)) await enter.click();
  await expect(
    page.getByRole('heading', { name: 'Checkout API' }).first(),
  ).toBeVisible();
  await expect(page.getByText('Defender for APIs').first()).toBeVisible();
});
