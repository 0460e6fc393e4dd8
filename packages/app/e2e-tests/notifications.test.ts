import {
  APIRequestContext,
  expect,
  Page,
  request,
  test,
} from '@playwright/test';
import { enterAsGuest, guestToken } from './guestSession';

/*
 * Notifications in Chromium, through the running app, backend and ARM emulator: when a refresh
 * finds a new active high-severity alert on an API of the guest's team (team-payments), the
 * guest finds it on the notifications page, linked to the API's page. The test adds the alert
 * through the emulator's admin API, then puts the scenario back and waits for a refresh to
 * read it, so the tests after it see the sample data.
 */

const EMULATOR = 'https://localhost:8443';
const LEDGER_API =
  '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-payments/providers/Microsoft.ApiManagement/service/contoso-payments-apim/apis/ledger-api';
const ALERT_NAME = 'Parameter enumeration on a ledger endpoint (e2e)';

/**
 * Starts the scheduled refresh now, through the scheduler's route of the plugin; while one
 * still runs the scheduler answers 409, so it asks again.
 */
async function refreshNow(page: Page) {
  const token = await guestToken(page);
  await expect(async () => {
    const res = await page.request.post(
      'http://localhost:7007/api/defender-apis/.backstage/scheduler/v1/tasks/defender-apis-refresh/trigger',
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(res.status()).toBe(200);
  }).toPass({ timeout: 30_000 });
}

/** Active high-severity alerts of ledger-api, as the backend stores them. */
async function highAlertsOfLedger(page: Page): Promise<number> {
  const res = await page.request.get(
    'http://localhost:7007/api/defender-apis/posture/api/default/ledger-api',
    { headers: { authorization: `Bearer ${await guestToken(page)}` } },
  );
  return (await res.json()).alerts.bySeverity.high;
}

let emulator: APIRequestContext;
let scenarioAsLoaded: any;

test.beforeAll(async () => {
  // The emulator's certificate comes from its own CA, which the browser need not trust.
  emulator = await request.newContext({
    baseURL: EMULATOR,
    ignoreHTTPSErrors: true,
  });
  scenarioAsLoaded = await (await emulator.get('/_admin/scenario')).json();
});

test.afterAll(async () => {
  await emulator.dispose();
});

test('a new high-severity alert reaches the owners on the notifications page', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto('/notifications');
  await enterAsGuest(page);

  const scenario = structuredClone(scenarioAsLoaded);
  scenario.subscriptions[0].alerts.push({
    name: 'e2e-new-high-alert-on-ledger',
    alertType: 'API_ParameterEnumeration',
    alertDisplayName: ALERT_NAME,
    severity: 'High',
    status: 'Active',
    minutesAgo: 1,
    resourceGroup: 'rg-payments',
    location: 'westeurope',
    azureResourceIds: [LEDGER_API],
  });
  expect(
    (await emulator.post('/_admin/scenario', { data: scenario })).status(),
  ).toBe(200);
  try {
    await refreshNow(page);

    // The page updates live (signals); reloading covers a missed signal.
    const notification = page
      .getByRole('row')
      .filter({ hasText: 'New high-severity alert on' })
      .filter({ hasText: ALERT_NAME });
    await expect(async () => {
      await page.reload();
      await expect(notification).toBeVisible({ timeout: 5_000 });
    }).toPass({ timeout: 90_000 });
    await expect(
      notification.locator('a[href="/catalog/default/api/ledger-api"]').first(),
    ).toBeVisible();
  } finally {
    // The other tests see the sample data again: the scenario as loaded, read again.
    await emulator.post('/_admin/scenario', { data: scenarioAsLoaded });
    await refreshNow(page);
    await expect(async () => {
      expect(await highAlertsOfLedger(page)).toBe(0);
    }).toPass({ timeout: 60_000 });
  }
});
