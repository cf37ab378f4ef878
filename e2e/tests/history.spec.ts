import { test, expect, signIn, befriend, newPage, log, type Account } from '../fixtures';
import type { Browser, Page } from '@playwright/test';
import { sendMessages } from '../bot';


// Each test reads a whole archive back a screen at a time: about 30 s
// alone, more on a busy machine.
test.describe.configure({ timeout: 90_000 });

/** Alice and Bob, contacts, and `count` messages from Bob ("Line N:") that
 * Alice's page has received. */
async function backlog(browser: Browser, baseURL: string | undefined, account: () => Promise<Account>, domain: string, count: number) {
  const alice = await account();
  const bob = await account();
  const pa = await newPage(browser, baseURL);
  const pb = await newPage(browser, baseURL);
  await signIn(pa, alice);
  await signIn(pb, bob);
  await befriend(pa, pb, bob, alice);
  await pb.goto('/healthz');
  const url = `${baseURL!.replace(/^http/, 'ws')}/xmpp-websocket`;
  await sendMessages(pb, { url, domain, user: bob.jid.split('@')[0], password: bob.password, to: alice.jid, count, prefix: 'Line' });
  // Hundreds of messages: they take seconds to arrive on a busy machine.
  await expect(pa.getByRole('navigation', { name: 'Contacts' })).toContainText(`Line ${count - 1}:`, { timeout: 30_000 });
  return { pa, alice, bob };
}

/** Up to the first message with the mouse wheel, a screen at a time, as a
 * person reads back. Rows added above must keep the view in place, or the
 * wheel, stuck at the top, would load no more. */
async function readBack(page: Page) {
  const messages = log(page);
  const start = messages.getByText('This is the start of the conversation.');
  const box = (await messages.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 400; i++) {
    // One look at the log for both: a page arriving between two looks
    // could bring Line 0 and the start together.
    const text = (await messages.textContent()) ?? '';
    if (text.includes('Line 0:')) break;
    // Older messages are held or in the archive: not the start yet.
    expect(text, 'the start shows before Line 0').not.toContain('This is the start of the conversation.');
    await page.mouse.wheel(0, -box.height);
    await messages.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
  }
  await expect(messages).toContainText('Line 0:');
  await expect(start).toBeVisible();
}

test('reading far back keeps the log small, and the latest message is a jump away', async ({ browser, baseURL, account, harness }) => {
  const count = 450;
  const { pa, bob } = await backlog(browser, baseURL, account, harness.prosody.domain, count);
  await pa.goto(`/#/chat/${bob.jid}`);
  await expect(log(pa)).toContainText(`Line ${count - 1}:`);
  // Rows added above leave the others where they are in the DOM: moving
  // them would lay the whole log out again.
  await log(pa).evaluate((el) => {
    const w = window as unknown as { moved: number };
    w.moved = 0;
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.removedNodes) if (n.isConnected) w.moved += 1;
    }).observe(el.querySelector('ol')!, { childList: true });
  });
  await readBack(pa);
  expect(await pa.evaluate(() => (window as unknown as { moved: number }).moved)).toBe(0);
  // The latest rows were dropped on the way up.
  await expect(log(pa)).not.toContainText(`Line ${count - 1}:`);
  expect(await log(pa).getByRole('listitem').count()).toBeLessThan(count);
  await pa.getByRole('button', { name: 'Jump to the latest message' }).click();
  await expect(log(pa).getByText(`Line ${count - 1}:`, { exact: false })).toBeInViewport();
});

test('on another device, reading back fetches the archive page by page', async ({ browser, baseURL, account, harness }) => {
  const count = 300;
  const { pa, alice, bob } = await backlog(browser, baseURL, account, harness.prosody.domain, count);
  // A new device holds nothing: every older message comes from the archive.
  await pa.close();
  const device = await newPage(browser, baseURL);
  await signIn(device, alice);
  await device.goto(`/#/chat/${bob.jid}`);
  await expect(log(device)).toContainText(`Line ${count - 1}:`);
  await expect(log(device)).not.toContainText('Line 0:');
  // The archive quiet: a page fills the view, and none is coming.
  await expect.poll(() => log(device).evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
  await expect(log(device).getByText('Loading older messages…')).toHaveCount(0);
  // At the top, the next page comes in above the rows in view, which stay.
  const shown = log(device).getByRole('listitem').filter({ hasText: /Line \d+:/ });
  const oldest = Number((await shown.first().textContent())!.match(/Line (\d+):/)![1]);
  const box = (await log(device).boundingBox())!;
  await device.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await device.mouse.wheel(0, -100_000);
  await expect(log(device)).toContainText(`Line ${oldest - 1}:`);
  await expect(log(device).getByText(`Line ${oldest + 1}:`)).toBeInViewport();
  await readBack(device);
});
