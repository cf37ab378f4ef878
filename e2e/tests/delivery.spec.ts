// What happens to a message after Send: a refusal offers Retry, a burst
// read at once gets one read marker, and a new message in a hidden tab
// becomes a desktop notification.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { test, expect, signIn, befriend, newPage, log, say } from '../fixtures';
import { sendMessages } from '../bot';

test('a refused message offers Retry, which sends it again', async ({ page, account, harness }) => {
  const alice = await account();
  await signIn(page, alice);
  // Nobody has this address yet: the server refuses the message.
  const ghost = `g${randomBytes(6).toString('hex')}`;
  await page.goto(`/#/chat/${ghost}@${harness.prosody.domain}`);
  await say(page, 'are you there?');
  const row = log(page).getByRole('listitem').filter({ hasText: 'are you there?' });
  await expect(row).toContainText('Failed');
  await expect(row).toContainText('This address does not exist or cannot receive messages.');
  await expect(row.getByRole('button', { name: 'Retry' })).toBeVisible();

  await promisify(execFile)(harness.prosody.prosodyctl, [
    '--config', harness.prosody.config, 'register', ghost, harness.prosody.domain, 'ghost-password',
  ]);
  await row.getByRole('button', { name: 'Retry' }).click();
  await expect(row).not.toContainText('Failed');
  await expect(row).not.toContainText('cannot receive messages');
  await expect(row).toContainText('Sent');
  await expect(row.getByRole('button', { name: 'Retry' })).toHaveCount(0);
});

test('a burst of messages read at once gets one read marker, for the latest', async ({ browser, baseURL, account, harness }) => {
  const alice = await account();
  const bob = await account();
  const pa = await newPage(browser, baseURL);
  const pb = await newPage(browser, baseURL);
  // Each marker Alice's client sends (servers archive every one).
  const markers: string[] = [];
  pa.on('websocket', (ws) => ws.on('framesent', (f) => {
    const m = /<displayed[^>]*\bid=["']([^"']+)/.exec(String(f.payload));
    if (m) markers.push(m[1]);
  }));
  await signIn(pa, alice);
  await signIn(pb, bob);
  await befriend(pa, pb, bob, alice);
  await pa.goto(`/#/chat/${bob.jid}`);
  await pb.goto('/healthz');
  const url = `${baseURL!.replace(/^http/, 'ws')}/xmpp-websocket`;
  await sendMessages(pb, { url, domain: harness.prosody.domain, user: bob.jid.split('@')[0], password: bob.password, to: alice.jid, count: 60, prefix: 'Burst' });
  await expect(log(pa)).toContainText('Burst 59:');
  await expect.poll(() => markers.at(-1)).toBe('Burst59');
  // Rendered in several slices, but marked once the burst paused (a slow
  // machine may pause within it).
  expect(markers.length, markers.join(' ')).toBeLessThanOrEqual(3);
});

test('a message in a hidden tab becomes a desktop notification', async ({ browser, baseURL, account }) => {
  const alice = await account();
  const bob = await account();
  const context = await browser.newContext({ baseURL, permissions: ['notifications'] });
  const pa = await context.newPage();
  // Record notifications instead of showing them.
  await pa.addInitScript(() => {
    const shown: { title: string; body?: string }[] = [];
    (window as unknown as { shown: typeof shown }).shown = shown;
    class Recorded {
      static get permission() { return 'granted'; }
      static requestPermission() { return Promise.resolve('granted'); }
      constructor(title: string, options?: NotificationOptions) { shown.push({ title, body: options?.body }); }
    }
    (window as unknown as { Notification: unknown }).Notification = Recorded;
  });
  const pb = await newPage(browser, baseURL);
  await signIn(pa, alice);
  await signIn(pb, bob);
  await befriend(pa, pb, bob, alice);
  await pa.getByRole('button', { name: 'Settings' }).click();
  await pa.getByLabel('Notify me of new messages when Parlons is in the background').check();
  await pa.getByRole('button', { name: 'Close' }).click();

  await pb.goto(`/#/chat/${alice.jid}`);
  // Visible: no notification.
  await say(pb, 'while you look');
  await expect(pa.getByRole('navigation', { name: 'Contacts' })).toContainText('while you look');
  expect(await pa.evaluate(() => (window as unknown as { shown: unknown[] }).shown)).toEqual([]);

  await pa.evaluate(() => {
    Object.defineProperty(document, 'hidden', { get: () => true, configurable: true });
    Object.defineProperty(document, 'visibilityState', { get: () => 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await say(pb, 'while you are away');
  await expect
    .poll(() => pa.evaluate(() => (window as unknown as { shown: { title: string; body?: string }[] }).shown))
    .toEqual([{ title: bob.jid, body: 'while you are away' }]);
});
