import { Page } from '@playwright/test';

/** Signs in as guest when the sign-in page shows (only on a browser context's first visit). */
export async function enterAsGuest(page: Page): Promise<void> {
  await page
    .getByRole('button', { name: 'Enter' })
    .click({ timeout: 5_000 })
    .catch(() => undefined);
}

/** A Backstage token of the guest, from inside the page (its session cookie). */
export async function guestToken(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const auth = await fetch('http://localhost:7007/api/auth/guest/refresh', {
      method: 'POST',
      credentials: 'include',
      headers: {
        'content-type': 'application/json',
        'x-requested-with': 'XMLHttpRequest',
      },
      body: '{}',
    }).then(r => r.json());
    return auth.backstageIdentity.token as string;
  });
}

/** A `GET` of the Defender for APIs backend as the guest, e.g. `summary` or `history?…`. */
export async function readAsGuest(page: Page, route: string): Promise<any> {
  const token = await guestToken(page);
  const res = await page.request.get(
    `http://localhost:7007/api/defender-apis/${route}`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  return res.json();
}

/** `GET /api/defender-apis/summary` as the guest. */
export async function readSummaryAsGuest(page: Page): Promise<any> {
  return readAsGuest(page, 'summary');
}
