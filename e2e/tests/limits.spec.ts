import { test, expect, giveRoster, newPage, signIn } from '../fixtures';

// A 5 MB roster keeps Prosody busy for seconds, which slowed the tests
// beside it past their time: this runs alone, after the rest.
test('a stanza over the gateway limit is named, and only the person tries again', async ({ browser, baseURL, account }) => {
  test.setTimeout(120_000);
  const alice = await account();
  // About 5 MB of roster: over the gateway's 4 MiB max-server-stanza-bytes.
  await giveRoster(alice, 50_000);
  const page = await newPage(browser, baseURL);
  await signIn(page, alice);
  const status = page.getByRole('status');
  await expect(status).toContainText('more at once than this Parlons accepts', { timeout: 60_000 });
  await expect(status).toContainText('max-server-stanza-bytes');
  // No countdown: trying again by itself would meet the same stanza.
  await expect(status).not.toContainText('Trying again');
  await page.getByRole('button', { name: 'Reconnect' }).click();
  await expect(status).toContainText('more at once than this Parlons accepts', { timeout: 60_000 });
  await expect(status).not.toContainText('Trying again');
});
