import { test, expect } from '../fixtures';

test('the login page loads cleanly and is accessible', async ({ page, consoleErrors, expectAccessible }) => {
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");

  await expect(page.getByRole('heading', { level: 1, name: 'Parlons' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Address' })).toBeVisible();
  await expect(page.getByLabel('Password')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Log in' })).toBeEnabled();

  await expectAccessible(page);
  expect(consoleErrors).toEqual([]);
});

test('a malformed address is explained without leaving the form', async ({ page, consoleErrors }) => {
  await page.goto('/');
  const address = page.getByRole('textbox', { name: 'Address' });
  await address.fill('alice');
  await page.getByLabel('Password').fill('secret');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toHaveText(/name@server/);
  await expect(address).toBeFocused();
  await expect(address).toHaveAttribute('aria-invalid', 'true');

  await address.fill('alice@example.org');
  await page.getByLabel('Password').press('Enter');
  await expect(page.getByRole('alert')).not.toHaveText(/name@server/);
  await expect(address).toHaveAttribute('aria-invalid', 'false');
  expect(consoleErrors).toEqual([]);
});

test('the app shell is kept: offline, the sign-in form still loads and works', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto('/');
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  await context.setOffline(true);
  await page.reload();
  // The button is enabled once the client runs: its WASM came from the cache.
  await expect(page.getByRole('button', { name: 'Log in' })).toBeEnabled();
  await page.getByRole('textbox', { name: 'Address' }).fill('not an address');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('textbox', { name: 'Address' })).toHaveAttribute('aria-invalid', 'true');
  await context.close();
});

test('pages that are not the app never replace the kept app shell', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto('/');
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  // Each used to be kept as the app's page, whatever it was.
  // Both are empty 404s here (/metrics has a listener of its own), error
  // pages to Chromium: the visit is what counts.
  for (const path of ['/metrics', '/no-such-page']) await page.goto(path).catch(() => undefined);
  // A proxy's 502 for the app's own page: the kept one shows instead.
  let failed = 0;
  await context.route('**/', (route) => {
    failed += 1;
    return route.fulfill({ status: 502, contentType: 'text/html', body: '<h1>Bad Gateway</h1>' });
  });
  await page.goto('/');
  await context.unroute('**/');
  await context.setOffline(true);
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Log in' })).toBeEnabled();
  expect(failed, 'the 502 was served').toBeGreaterThan(0);
  await context.close();
});

test('what is typed while the client loads is kept, and typing goes on in the same field', async ({ page }) => {
  // Hold the WASM back until the static form has been typed into.
  let release = () => {};
  const typed = new Promise<void>((resolve) => { release = resolve; });
  await page.route('**/*.wasm', async (route) => {
    await typed;
    await route.continue();
  });
  await page.goto('/');
  const address = page.getByRole('textbox', { name: 'Address' });
  await address.fill('alice@exam');
  await expect(page.getByRole('button', { name: 'Log in' })).toBeDisabled();
  release();
  // Taken over: the client's button is enabled.
  await expect(page.getByRole('button', { name: 'Log in' })).toBeEnabled();
  await page.keyboard.type('ple.org');
  await expect(address).toHaveValue('alice@example.org');
  await expect(address).toBeFocused();
});
