import { test, expect, signIn, addContact, befriend, contact, giveRoster, newPage, type Account } from '../fixtures';
import type { Browser, Page } from '@playwright/test';
import { sendMessages } from '../bot';

async function twoUsers(browser: Browser, baseURL: string | undefined, a: Account, b: Account): Promise<[Page, Page]> {
  const pa = await newPage(browser, baseURL);
  const pb = await newPage(browser, baseURL);
  await signIn(pa, a);
  await signIn(pb, b);
  return [pa, pb];
}

test('add a contact, accept, see presence, and chat both ways', async ({ browser, baseURL, account }) => {
  const alice = await account();
  const bob = await account();
  const [pa, pb] = await twoUsers(browser, baseURL, alice, bob);
  await befriend(pa, pb, bob, alice);
  // Each sees the other online once Bob accepts (he subscribes back).
  await expect(contact(pa, bob.jid)).toContainText('Available');
  await expect(contact(pb, alice.jid)).toContainText('Available');

  await contact(pa, bob.jid).click();
  const box = pa.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill('Hello Bob');
  await pa.getByRole('button', { name: 'Send' }).click();
  // Bob's client has it, but he has not opened the conversation yet.
  await expect(pa.getByRole('log', { name: 'Messages' }).getByText('Delivered')).toBeVisible();

  await contact(pb, alice.jid).click();
  const bobLog = pb.getByRole('log', { name: 'Messages' });
  await expect(bobLog).toContainText('Hello Bob');
  // Bob read it on screen in a focused tab: Alice sees "Read".
  await pb.bringToFront();
  await expect(pa.getByRole('log', { name: 'Messages' }).getByText('Read')).toBeVisible();

  await pb.getByRole('textbox', { name: 'Message', exact: true }).fill('Hi Alice');
  await pb.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
  await expect(pa.getByRole('log', { name: 'Messages' })).toContainText('Hi Alice');
});

test('markup in a message is shown as text and runs nothing', async ({ browser, baseURL, account }) => {
  const alice = await account();
  const bob = await account();
  const [pa, pb] = await twoUsers(browser, baseURL, alice, bob);
  let dialogs = 0;
  pb.on('dialog', (d) => { dialogs += 1; void d.dismiss(); });
  await pa.goto(`/#/chat/${bob.jid}`);
  const evil = '<img src=x onerror=alert(1)> <script>alert(2)</script>';
  await pa.getByRole('textbox', { name: 'Message', exact: true }).fill(evil);
  await pa.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
  await pb.goto(`/#/chat/${alice.jid}`);
  const log = pb.getByRole('log', { name: 'Messages' });
  await expect(log.getByText(evil)).toBeVisible();
  await expect(log.locator('img, script')).toHaveCount(0);
  expect(dialogs).toBe(0);
});

test('typing is shown, and Up corrects the last message', async ({ browser, baseURL, account }) => {
  const alice = await account();
  const bob = await account();
  const [pa, pb] = await twoUsers(browser, baseURL, alice, bob);
  await befriend(pa, pb, bob, alice);
  await pa.goto(`/#/chat/${bob.jid}`);
  await pb.goto(`/#/chat/${alice.jid}`);
  const box = pa.getByRole('textbox', { name: 'Message', exact: true });
  await box.pressSequentially('Helo');
  await expect(pb.getByText('typing…')).toBeVisible();
  await box.press('Enter');
  await expect(pb.getByRole('log', { name: 'Messages' })).toContainText('Helo');
  await box.press('ArrowUp');
  await expect(box).toHaveValue('Helo');
  await box.fill('Hello');
  await box.press('Enter');
  const log = pb.getByRole('log', { name: 'Messages' });
  await expect(log).toContainText('Hello');
  await expect(log).toContainText('edited');
  await expect(log).not.toContainText('Helo ');
});

test('a keyboard-only path from login to a sent message', async ({ page, account }) => {
  const alice = await account();
  await page.goto('/');
  await page.getByRole('textbox', { name: 'Address' }).focus();
  await page.keyboard.type(alice.jid);
  await page.keyboard.press('Tab');
  await page.keyboard.type(alice.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('navigation', { name: 'Contacts' })).toBeVisible();
  await page.getByRole('button', { name: 'Add contact' }).focus();
  await page.keyboard.press('Enter');
  await page.keyboard.type('carol@localhost');
  await page.keyboard.press('Enter');
  const box = page.getByRole('textbox', { name: 'Message', exact: true });
  await box.focus();
  await page.keyboard.type('hello by keyboard');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('log', { name: 'Messages' })).toContainText('hello by keyboard');
});

test('Rename opens a dialog: Escape keeps the name, Enter saves the new one', async ({ page, account, expectAccessible }) => {
  const alice = await account();
  const bob = await account();
  await signIn(page, alice);
  await addContact(page, bob.jid);
  await expect(contact(page, bob.jid)).toBeVisible();

  const rename = page.getByRole('dialog', { name: 'Rename' });
  const name = rename.getByRole('textbox', { name: 'Name' });
  await page.getByRole('button', { name: 'Rename' }).click();
  await expect(name).toHaveValue(bob.jid);
  await expect(name).toBeFocused();
  await expect(rename.getByRole('button', { name: 'Cancel' })).toBeVisible();
  await expect(rename.getByRole('button', { name: 'Save' })).toBeVisible();
  await expectAccessible(page);
  await name.fill('Robert');
  await name.press('Escape');
  await expect(rename).toBeHidden();
  await expect(page.getByRole('heading', { name: bob.jid })).toBeVisible();

  await page.getByRole('button', { name: 'Rename' }).click();
  await expect(name).toHaveValue(bob.jid);
  await name.fill('Robert');
  await name.press('Enter');
  await expect(rename).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Robert' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Contacts' }).getByRole('link', { name: /^Robert/ })).toBeVisible();
});

test('a contact change the server refuses gets a notice that says why', async ({ page, account }) => {
  const alice = await account();
  await signIn(page, alice);
  // Prosody keeps no roster item for the account itself.
  await addContact(page, alice.jid);
  const notice = page.getByRole('alert').filter({ hasText: 'was not saved' });
  await expect(notice).toContainText(`The change to ${alice.jid} was not saved. The server does not allow it.`);
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toHaveCount(0);
});

test('an xmpp: URI opens its conversation', async ({ page, account }) => {
  const alice = await account();
  await signIn(page, alice);
  await page.goto('/#/open?uri=xmpp%3Abob%40example.org%3Fmessage');
  await expect(page.getByRole('heading', { name: 'bob@example.org' })).toBeVisible();
  await expect(page).toHaveURL(/#\/chat\/bob@example\.org$/);
});

/** A phone's page fits its width: nothing scrolls sideways. */
async function expectNoSidewaysScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
}

test('the conversation screen is accessible at desktop width and at 375 px', async ({ page, account, expectAccessible }) => {
  const alice = await account();
  await signIn(page, alice);
  await page.goto('/#/chat/bob@example.org');
  await expect(page.getByRole('log', { name: 'Messages' })).toBeVisible();
  await expectAccessible(page);
  await page.setViewportSize({ width: 375, height: 700 });
  await expect(page.getByRole('button', { name: 'Back' })).toBeVisible();
  // The conversation has the screen: the account's controls wait behind Back.
  await expect(page.getByRole('button', { name: 'Log out' })).toBeHidden();
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByRole('navigation', { name: 'Contacts' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);
});

test('the filter narrows the contacts, drafts stay with their conversation, and a contact can be removed', async ({ page, account }) => {
  const alice = await account();
  await signIn(page, alice);
  for (const who of ['carol@localhost', 'dave@localhost']) {
    await addContact(page, who);
    await expect(contact(page, who)).toBeVisible();
  }

  const filter = page.getByRole('searchbox', { name: 'Filter contacts' });
  await filter.fill('CAR');
  await expect(contact(page, 'carol@localhost')).toBeVisible();
  await expect(contact(page, 'dave@localhost')).toHaveCount(0);
  await filter.fill('');
  await expect(contact(page, 'dave@localhost')).toBeVisible();

  const box = page.getByRole('textbox', { name: 'Message', exact: true });
  await contact(page, 'carol@localhost').click();
  await box.fill('a draft for Carol');
  await contact(page, 'dave@localhost').click();
  await expect(box).toHaveValue('');
  await box.fill('a draft for Dave');
  await contact(page, 'carol@localhost').click();
  await expect(box).toHaveValue('a draft for Carol');
  await contact(page, 'dave@localhost').click();
  await expect(box).toHaveValue('a draft for Dave');

  await page.getByRole('button', { name: 'Remove contact' }).click();
  await expect(contact(page, 'dave@localhost')).toHaveCount(0);
  await expect(contact(page, 'carol@localhost')).toBeVisible();
});

test('scrolled back, a button jumps to the latest message', async ({ browser, baseURL, account, harness }) => {
  const alice = await account();
  const bob = await account();
  const [pa, pb] = await twoUsers(browser, baseURL, alice, bob);
  await befriend(pa, pb, bob, alice);
  await pa.goto(`/#/chat/${bob.jid}`);
  await pb.goto('/healthz');
  const url = `${baseURL!.replace(/^http/, 'ws')}/xmpp-websocket`;
  await sendMessages(pb, { url, domain: harness.prosody.domain, user: bob.jid.split('@')[0], password: bob.password, to: alice.jid, count: 60, prefix: 'Line' });
  const log = pa.getByRole('log', { name: 'Messages' });
  await expect(log).toContainText('Line 59:');
  const jump = pa.getByRole('button', { name: 'Jump to the latest message' });
  await expect(jump).toHaveCount(0);
  // Scrolled up by the person (a key in the log): no longer following.
  await log.focus();
  await log.press('Home');
  await expect(jump).toBeVisible();
  // Home scrolls smoothly: Jump after it has arrived.
  await expect.poll(() => log.evaluate((el) => el.scrollTop)).toBe(0);
  await jump.click();
  await expect(jump).toHaveCount(0);
  await expect(log.getByText('Line 59:', { exact: false })).toBeInViewport();
});

test('a roster too large for one step arrives whole, in natural order', async ({ page, account }) => {
  const alice = await account();
  // About 150 KB of XML: parsed in slices, converted in batches.
  await giveRoster(alice, 1500);
  await signIn(page, alice);
  // Natural order, from the browser's collator: groups "Group 0", "Group 1",
  // "Group 2" (not "Group 10"), and in "Group 0" numbers go by value.
  const nav = page.getByRole('navigation', { name: 'Contacts' });
  for (const [i, n] of [0, 20, 40, 60, 80, 100, 120].entries()) {
    await expect(nav.getByRole('link').nth(i)).toHaveAccessibleName(new RegExp(`^Contact ${n}(?!\\d)`));
  }
  const filter = page.getByRole('searchbox', { name: 'Filter contacts' });
  for (const n of ['0', '777', '1499']) {
    await filter.fill(`Contact ${n}`);
    await expect(page.getByRole('link', { name: new RegExp(`^Contact ${n}(?!\\d)`) })).toBeVisible();
  }
  await filter.fill('');
  // Collapsing each group brings the next one's heading into view.
  const groups = nav.getByRole('button', { name: /Group \d+$/ });
  for (const n of [0, 1, 2]) {
    await expect(groups.nth(n)).toHaveAccessibleName(new RegExp(`Group ${n}$`));
    await groups.nth(n).click();
  }
});
