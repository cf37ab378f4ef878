// The gateway and the XMPP server restart under people who are chatting:
// every message arrives exactly once, in order, and none stays pending.
// These restart the shared servers, so they run after every other test
// (the "restarts" project in playwright.config.ts). The last one runs 20
// people through nginx and three replicas, and kills one.
import type { Page } from '@playwright/test';
import { test, expect, chatting, control, copies, frames, log, newPage, say, signIn, watchSockets } from '../fixtures';

const EACH = 50;

/** The numbers of `prefix N` messages in the log, in the order shown. */
async function order(page: Page, prefix: string): Promise<number[]> {
  const texts = await log(page).getByRole('listitem').allInnerTexts();
  const pattern = new RegExp(`^${prefix} (\\d+)$`, 'm');
  return texts.flatMap((t) => {
    const m = pattern.exec(t);
    return m ? [Number(m[1])] : [];
  });
}

/** Alice and Bob each send `EACH` messages, half while `outage` runs and
 * half after it; then each side has every one of the other's, once and in
 * order, and none of their own stays pending. */
async function chatThrough(pa: Page, pb: Page, outage: () => Promise<void>) {
  const down = outage();
  for (let i = 0; i < EACH / 2; i++) {
    await say(pa, `A ${i}`);
    await say(pb, `B ${i}`);
  }
  await down;
  for (let i = EACH / 2; i < EACH; i++) {
    await say(pa, `A ${i}`);
    await say(pb, `B ${i}`);
  }
  const all = [...Array(EACH).keys()];
  for (const [page, other] of [[pb, 'A'], [pa, 'B']] as const) {
    await expect(log(page)).toContainText(`${other} ${EACH - 1}`, { timeout: 60_000 });
    await expect.poll(() => order(page, other), { timeout: 30_000 }).toEqual(all);
    for (const i of all) expect(await copies(page, `${other} ${i}`), `${other} ${i}`).toBe(1);
  }
  for (const page of [pa, pb]) {
    await expect(log(page).getByText('Pending', { exact: true })).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByRole('status').filter({ hasText: 'The connection was lost.' })).toHaveCount(0);
  }
}

test('the gateway crashes (SIGKILL) and comes back: nothing is lost or doubled', async ({ browser, baseURL, account }) => {
  test.setTimeout(180_000);
  const { pa, pb } = await chatting(browser, baseURL, account);
  await chatThrough(pa, pb, () => control('gateway crash'));
});

test('the gateway restarts (SIGTERM): clients resume through the new one', async ({ browser, baseURL, account }) => {
  test.setTimeout(180_000);
  const { pa, pb } = await chatting(browser, baseURL, account);
  await chatThrough(pa, pb, () => control('gateway restart'));
});

test('the XMPP server restarts: a new session, and the archive fills the gap', async ({ browser, baseURL, account }) => {
  test.setTimeout(180_000);
  const { pa, pb } = await chatting(browser, baseURL, account);
  await chatThrough(pa, pb, () => control('prosody restart'));
});

test('three replicas behind nginx: one is killed while 20 people chat, and every message arrives once', async ({ browser, account, harness }) => {
  test.setTimeout(300_000);
  const PAIRS = 10;
  const ROUNDS = 6;
  const people = [];
  for (let i = 0; i < 2 * PAIRS; i++) people.push(await account());
  const pages: Page[] = [];
  for (const person of people) {
    const page = await newPage(browser, harness.balanced);
    await watchSockets(page);
    await signIn(page, person);
    pages.push(page);
  }
  // Each opens the conversation with their partner: 2k with 2k+1.
  await Promise.all(pages.map((page, i) => page.goto(`/#/chat/${people[i ^ 1].jid}`)));
  const round = (r: number) => Promise.all(pages.map((page, i) => say(page, `from ${i} ${r}`)));

  for (let r = 0; r < ROUNDS / 2; r++) await round(r);
  // nginx deals connections round-robin over every request, so who lands
  // where depends on how many files a page loads: kill the busiest replica.
  const open = await Promise.all(harness.replicaMetrics.map(openSessions));
  const killed = open.indexOf(Math.max(...open));
  expect(open[killed], `sessions per replica: ${open}`).toBeGreaterThan(0);
  await control(`replica kill ${killed}`);
  for (let r = ROUNDS / 2; r < ROUNDS; r++) await round(r);

  for (const [i, page] of pages.entries()) {
    const other = i ^ 1;
    await expect(log(page)).toContainText(`from ${other} ${ROUNDS - 1}`, { timeout: 90_000 });
    await expect.poll(() => order(page, `from ${other}`)).toEqual([...Array(ROUNDS).keys()]);
    for (let r = 0; r < ROUNDS; r++) expect(await copies(page, `from ${other} ${r}`), `page ${i}, round ${r}`).toBe(1);
    await expect(log(page).getByText('Pending', { exact: true })).toHaveCount(0, { timeout: 30_000 });
  }
  // Exactly the killed replica's people lost their WebSocket, and each
  // resumed its session through another replica, none starting anew.
  const seen = await Promise.all(pages.map(async (page) => {
    const sockets = await page.evaluate(() => (window as unknown as { sockets: WebSocket[] }).sockets.length);
    const got = await frames(page);
    return { moved: sockets > 1, resumed: got.some((f) => f.startsWith('<resumed ')), failed: got.some((f) => f.startsWith('<failed ')) };
  }));
  const moved = seen.filter((s) => s.moved);
  expect(moved.length, `pages that lost their replica (it had ${open[killed]} sessions)`).toBe(open[killed]);
  expect(moved.filter((s) => !s.resumed || s.failed), 'moved pages that did not resume').toEqual([]);
});

/** Sessions open on a replica, from its metrics. */
async function openSessions(metrics: string): Promise<number> {
  const text = await (await fetch(metrics)).text();
  const line = text.split('\n').find((l) => l.startsWith('parlons_sessions_open '));
  return Number(line?.split(' ')[1] ?? 0);
}
