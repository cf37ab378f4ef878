// Never lose a message: the client reconnects by itself after a drop,
// resumes the session when the server kept it, and nothing arrives twice.
import type { Page } from '@playwright/test';
import { test, expect, chatting, contact, copies, frames, log, messageBox, say, watchSockets } from '../fixtures';

test('a dropped connection comes back by itself, resuming the session with what was missed', async ({ browser, baseURL, account }) => {
  const { pa, pb } = await chatting(browser, baseURL, account, { prepare: watchSockets });

  await pa.evaluate(() => (window as unknown as { sockets: WebSocket[] }).sockets.forEach((s) => s.close()));
  // The line says when the next try is.
  const line = pa.getByRole('status').filter({ hasText: 'The connection was lost.' });
  await expect(line).toContainText(/Trying again in \d+ s\./);
  // Sent while Alice is away: her server keeps it for the resumed session.
  await say(pb, 'while you were cut off');
  await expect(line).toHaveCount(0);
  await expect.poll(async () => (await frames(pa)).some((f) => f.startsWith('<resumed '))).toBe(true);
  expect((await frames(pa)).some((f) => f.startsWith('<resume '))).toBe(true);
  await expect(log(pa)).toContainText('while you were cut off');
  await say(pa, 'back again');
  await expect(log(pb)).toContainText('back again');
  expect(await copies(pa, 'while you were cut off')).toBe(1);
});

test('offline for 30 s: the 20 messages sent meanwhile arrive once each, and Reconnect waits for the network', async ({ browser, baseURL, account }) => {
  test.setTimeout(120_000);
  const { pa, pb } = await chatting(browser, baseURL, account);
  await say(pb, 'before');
  await expect(log(pa)).toContainText('before');

  await pa.context().setOffline(true);
  const line = pa.getByRole('status').filter({ hasText: 'The connection was lost.' });
  await expect(line).toBeVisible({ timeout: 60_000 });
  for (let i = 0; i < 20; i++) await say(pb, `offline ${i}`);
  // A try while the network is down fails, and another is planned.
  await line.getByRole('button', { name: 'Reconnect' }).click();
  await expect(line).toContainText(/Trying again in \d+ s\./);
  await pa.waitForTimeout(30_000);
  await pa.context().setOffline(false);

  await expect(log(pa)).toContainText('offline 19', { timeout: 30_000 });
  for (let i = 0; i < 20; i++) expect(await copies(pa, `offline ${i}`), `offline ${i}`).toBe(1);
  expect(await copies(pa, 'before')).toBe(1);
  await expect(line).toHaveCount(0);
  await say(pa, 'back');
  await expect(log(pb)).toContainText('back');
});

/** Our messages the page's offline store holds as pending. */
async function keptPending(page: Page, account: string): Promise<number> {
  return page.evaluate(
    (name) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction('conversations').objectStore('conversations').getAll();
          all.onsuccess = () => {
            // Records are arrays; a message's delivery is its 7th field, 0 pending.
            const pending = (all.result as unknown[][]).flatMap((c) => c[1] as unknown[][]).filter((m) => m[6] === 0);
            db.close();
            resolve(pending.length);
          };
        };
      }),
    `parlons/${account}`,
  );
}

test('typed offline, kept over a reload, and delivered once when the network is back', async ({ browser, baseURL, account }) => {
  test.setTimeout(90_000);
  const { pa, pb, alice, bob } = await chatting(browser, baseURL, account, { keep: true });
  await say(pb, 'before');
  await expect(log(pa)).toContainText('before');
  await say(pa, 'a typo: teh');
  await expect(log(pb)).toContainText('a typo: teh');
  await expect(log(pa).getByText('Pending', { exact: true })).toHaveCount(0);
  // The app shell is cached, so the page loads offline.
  await pa.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

  await pa.context().setOffline(true);
  await expect(pa.getByRole('status').filter({ hasText: 'The connection was lost.' })).toBeVisible();
  // A correction (XEP-0308) of a message Bob has, then 5 new ones.
  const box = messageBox(pa);
  await box.press('ArrowUp');
  await expect(box).toHaveValue('a typo: teh');
  await box.fill('a typo: the');
  await box.press('Enter');
  for (let i = 0; i < 5; i++) await say(pa, `offline ${i}`);
  await expect(log(pa).getByText('Pending', { exact: true })).toHaveCount(5);
  await expect.poll(() => keptPending(pa, alice.jid)).toBe(5);

  await pa.reload();
  // Shown from the offline store, with no connection at all.
  await expect(contact(pa, bob.jid)).toBeVisible();
  await expect(log(pa)).toContainText('before');
  await expect(log(pa).getByText('Pending', { exact: true })).toHaveCount(5);

  await pa.context().setOffline(false);
  await expect(log(pb)).toContainText('offline 4', { timeout: 30_000 });
  for (let i = 0; i < 5; i++) expect(await copies(pb, `offline ${i}`), `offline ${i}`).toBe(1);
  await expect(log(pb)).toContainText('a typo: the');
  await expect(log(pb)).not.toContainText('a typo: teh');
  await expect(log(pb)).toContainText('edited');
  await expect(log(pa).getByText('Pending', { exact: true })).toHaveCount(0);
  expect(await copies(pa, 'before')).toBe(1);
});
