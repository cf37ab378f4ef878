import { test, expect, chatting, log } from '../fixtures';
import type { Page } from '@playwright/test';

/** Makes the client panic (the e2e build's crash-test feature). */
async function trap(page: Page, where: 'handler' | 'task') {
  await page.evaluate((detail) => dispatchEvent(new CustomEvent('parlons-crash', { detail })), where);
}

function crashScreen(page: Page) {
  return page.getByRole('alertdialog', { name: 'Parlons stopped working' });
}

for (const where of ['handler', 'task'] as const) {
  test(`a trap in an ${where === 'task' ? 'async task' : 'event handler'} shows the crash screen, and the next load opens the contacts`, async ({ browser, baseURL, account }) => {
    const { pa, bob } = await chatting(browser, baseURL, account, { keep: true });
    await expect(log(pa)).toBeVisible();
    await trap(pa, where);
    await expect(crashScreen(pa)).toBeVisible();
    await expect(crashScreen(pa).getByRole('button', { name: 'Reload' })).toBeFocused();
    await crashScreen(pa).getByText('Details for a bug report').click();
    await expect(crashScreen(pa)).toContainText('RuntimeError');

    // The browser's own reload keeps the conversation in the URL: the
    // client must not reopen it by itself.
    expect(pa.url()).toContain(`#/chat/${bob.jid}`);
    if (where === 'handler') await pa.reload();
    else await crashScreen(pa).getByRole('button', { name: 'Reload' }).click();
    await expect(pa.getByRole('navigation', { name: 'Contacts' })).toBeVisible();
    await expect(crashScreen(pa)).toBeHidden();
    await expect(log(pa)).toHaveCount(0);
    expect(pa.url()).not.toContain('#/chat/');
    // And the load after that opens what the URL names, as ever.
    await pa.goto(`/#/chat/${bob.jid}`);
    await expect(log(pa)).toBeVisible();
  });
}
