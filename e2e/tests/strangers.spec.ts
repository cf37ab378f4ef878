// Message requests: what strangers send waits in one entry, without a
// notification, and never buries a contact; Accept, Dismiss and Block
// (XEP-0191, checked on the server's own list) each work.
import type { Page } from '@playwright/test';
import { test, expect, chatting, contact, log, newPage, say, signIn, type Account } from '../fixtures';
import { askServer, sendMessages } from '../bot';
import { Component } from '../component';

const requestsButton = (page: Page) => page.getByRole('button', { name: /^Message requests/ });
const requestsDialog = (page: Page) => page.getByRole('dialog', { name: 'Message requests' });
const request = (page: Page, jid: string) =>
  requestsDialog(page).getByRole('listitem').filter({ has: page.getByRole('heading', { name: jid }) });

test('a stranger waits in Message requests; Accept, Dismiss and Block each work', async ({ browser, baseURL, account, harness, expectAccessible }) => {
  test.setTimeout(90_000);
  const [alice, bob, carol, dave] = [await account(), await account(), await account(), await account()];
  const context = await browser.newContext({ baseURL, permissions: ['notifications'] });
  const pa = await context.newPage();
  // Notifications are recorded, and the tab is hidden: a contact's message
  // would make one.
  await pa.addInitScript(() => {
    const shown: string[] = [];
    (window as unknown as { shown: string[] }).shown = shown;
    class Recorded {
      static get permission() { return 'granted'; }
      static requestPermission() { return Promise.resolve('granted'); }
      constructor(title: string) { shown.push(title); }
    }
    (window as unknown as { Notification: unknown }).Notification = Recorded;
  });
  await signIn(pa, alice);
  await pa.getByRole('button', { name: 'Settings' }).click();
  await pa.getByLabel('Notify me of new messages when Parlons is in the background').check();
  await pa.getByRole('button', { name: 'Close' }).click();
  await pa.evaluate(() => {
    Object.defineProperty(document, 'hidden', { get: () => true, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });

  // Three strangers write, raw, as anyone on the federation could.
  const bot = await newPage(browser, baseURL);
  await bot.goto('/healthz');
  const url = `${baseURL!.replace(/^http/, 'ws')}/xmpp-websocket`;
  const domain = harness.prosody.domain;
  const from = (who: Account) => ({ url, domain, user: who.jid.split('@')[0], password: who.password });
  for (const [who, text] of [[bob, 'hello from bob'], [carol, 'cheap watches'], [dave, 'wrong number']] as const) {
    await sendMessages(bot, { ...from(who), to: alice.jid, count: 0, prefix: 'stranger', bodies: [text] });
  }
  await expect(requestsButton(pa)).toHaveText(/Message requests\s*3/);
  await expect(pa.getByRole('navigation', { name: 'Contacts' }).getByRole('link')).toHaveCount(0);
  expect(await pa.evaluate(() => (window as unknown as { shown: string[] }).shown)).toEqual([]);

  await requestsButton(pa).click();
  await expect(request(pa, bob.jid)).toContainText('hello from bob');
  await expectAccessible(pa);

  await request(pa, dave.jid).getByRole('button', { name: `Dismiss ${dave.jid}` }).click();
  await expect(request(pa, dave.jid)).toHaveCount(0);

  await request(pa, carol.jid).getByRole('button', { name: `Block ${carol.jid}` }).click();
  await expect(request(pa, carol.jid)).toHaveCount(0);
  const blocklist = () =>
    askServer(bot, { ...from(alice), ask: '<iq xmlns="jabber:client" type="get" id="ask"><blocklist xmlns="urn:xmpp:blocking"/></iq>' });
  await expect.poll(blocklist).toContain(carol.jid);

  await request(pa, bob.jid).getByRole('button', { name: `Accept ${bob.jid}` }).click();
  await expect(requestsDialog(pa)).toBeHidden();
  await expect(log(pa)).toContainText('hello from bob');
  await expect(requestsButton(pa)).toBeHidden();
  // Not a contact yet: the conversation offers to add him.
  await pa.getByRole('button', { name: 'Add contact' }).last().click();
  await expect(contact(pa, bob.jid)).toBeVisible();
  await expect(pa.getByRole('button', { name: 'Remove contact' })).toBeVisible();

  // Settings lists whom the server blocks; Unblock asks it to stop.
  await pa.getByRole('button', { name: 'Settings' }).click();
  const blocked = pa.getByRole('region', { name: 'Blocked addresses' });
  await expect(blocked).toContainText(carol.jid);
  await blocked.getByRole('button', { name: `Unblock ${carol.jid}` }).click();
  await expect(blocked).toContainText('You have blocked no one.');
  await expect.poll(blocklist).not.toContain(carol.jid);
  await pa.getByRole('button', { name: 'Close' }).click();
  // Bob is a contact now: his next message is no request, and makes the
  // first notification.
  expect(await pa.evaluate(() => (window as unknown as { shown: string[] }).shown)).toEqual([]);
  await sendMessages(bot, { ...from(bob), to: alice.jid, count: 0, prefix: 'contact', bodies: ['now a contact'] });
  await expect(log(pa)).toContainText('now a contact');
  await expect.poll(() => pa.evaluate(() => (window as unknown as { shown: string[] }).shown)).toEqual([bob.jid]);
});

test('a wave of 500 strangers collapses into one entry, and a contact still shows at once', async ({ browser, baseURL, account, harness }) => {
  test.setTimeout(120_000);
  const { pa, pb, alice, bob } = await chatting(browser, baseURL, account);
  await pa.goto('/#/');
  const component = await Component.connect(harness.prosody.component);
  try {
    await component.wave(alice.jid, 250, 'early');
    await say(pb, 'in the middle of the wave');
    const wave = component.wave(alice.jid, 250, 'late');
    const contacts = pa.getByRole('navigation', { name: 'Contacts' });
    await expect(contacts).toContainText('in the middle of the wave');
    await wave;
    // At most 200 senders are kept, in one entry.
    await expect(requestsButton(pa)).toHaveText(/Message requests\s*200/, { timeout: 30_000 });
    await expect(contacts.getByRole('link')).toHaveCount(1);
    await expect(contact(pa, bob.jid)).toBeVisible();
    await requestsButton(pa).click();
    await expect(request(pa, `late249@${component.domain}`)).toContainText('late 249');
    await expect(request(pa, `early0@${component.domain}`)).toHaveCount(0);
  } finally {
    component.close();
  }
});
