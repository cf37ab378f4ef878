// Rosters of 5,000 and 10,000 contacts: how soon the list is usable after
// the roster result arrives, the longest main-thread tasks on the way, the
// filter's answer time per key, scrolling, and the JS heap after GC.
import { test, expect, giveRoster } from '../fixtures';
import { during, explainFrames, heapAfterGc, longTasks, now, record, report, traceTasks } from './measure';


const ms = (v: number) => `${v.toFixed(0)} ms`;

for (const CONTACTS of [5000, 10_000]) test(`a roster of ${CONTACTS} contacts`, async ({ page, account }) => {
  const alice = await account();
  await giveRoster(alice, CONTACTS);

  await record(page);
  const cdp = await page.context().newCDPSession(page);
  await page.goto('/');
  await page.getByRole('textbox', { name: 'Address' }).fill(alice.jid);
  await page.getByLabel('Password').fill(alice.password);
  // Chromium's trace tells, for each long task, how long the thread ran:
  // the server, the gateway and the browser share two cores here.
  const stopTrace = await traceTasks(cdp);
  const clicked = await page.evaluate(() => {
    performance.mark('bench-login');
    return performance.now();
  });
  await page.getByRole('button', { name: 'Log in' }).click();

  // Ready: the list's height holds every contact (it is windowed).
  await page.waitForFunction(
    (n) => {
      const list = document.querySelector<HTMLElement>('nav.contacts .window');
      const row = document.querySelector<HTMLElement>('nav.contacts li.contact');
      const done = !!list && !!row && list.offsetHeight >= n * row.offsetHeight * 0.95;
      const bench = window.__bench as unknown as { readyAt?: number };
      if (done && bench.readyAt === undefined) {
        bench.readyAt = performance.now();
        performance.mark('bench-usable');
      }
      return done;
    },
    CONTACTS,
    { polling: 'raf', timeout: 300_000 },
  );
  const { readyAt, rosterAt, rosterBytes } = await page.evaluate(() => ({
    readyAt: (window.__bench as unknown as { readyAt: number }).readyAt,
    rosterAt: window.__bench.bigMessageAt,
    rosterBytes: window.__bench.bigMessageBytes,
  }));
  const toReady = await longTasks(page, clicked, readyAt);
  const domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);

  // The filter: one key at a time, each answered by the Event Timing API
  // (events under 16 ms are not reported, so they count as 16). Typed at
  // once, while the server still sends what our first presence set off
  // (a caps query from each contact's PEP service, and their presence),
  // then again 5 s later.
  const filter = page.getByRole('searchbox', { name: 'Filter contacts' });
  const typeFilter = async () => {
    await filter.focus();
    const from = await now(page);
    await page.keyboard.type('contact 4321', { delay: 150 });
    await expect(page.getByRole('link', { name: /^Contact 4321/ })).toBeVisible();
    const to = await now(page);
    await filter.fill('');
    const keys = await page.evaluate(
      ([a, b]) => window.__bench.events.filter((e) => e.start >= a && e.start < b && ['keydown', 'keypress', 'input', 'keyup'].includes(e.name)),
      [from, to],
    );
    const slowest = Math.max(16, ...keys.map((e) => e.duration));
    return { slowest, slow: keys.find((e) => e.duration === slowest), from, to };
  };
  const { slowest: slowestKey, slow, from: typedFrom, to: typedTo } = await typeFilter();
  const traced = await stopTrace(page, 'bench-login');
  const tracedToReady = during(traced, clicked, readyAt);
  await page.waitForTimeout(5000);
  const { slowest: slowestLater } = await typeFilter();

  // Scrolling from the top to the bottom of the list, a screen at a time.
  const scrollFrom = await now(page);
  const steps = await page.locator('nav.contacts').evaluate(async (nav) => {
    let n = 0;
    while (nav.scrollTop + nav.clientHeight < nav.scrollHeight - 1 && n < 2000) {
      nav.scrollTop += nav.clientHeight;
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      n += 1;
    }
    return n;
  });
  // The last line: the last of "Group 19", the last group in natural order.
  await expect(page.getByRole('link', { name: new RegExp(`^Contact ${CONTACTS - 1}(?!\\d)`) })).toBeVisible();
  const scrollTasks = await longTasks(page, scrollFrom, await now(page));
  // Last: a forced GC's aftermath would delay the keys measured above.
  const heap = await heapAfterGc(cdp);

  const longest = (tasks: { duration: number }[]) => Math.max(0, ...tasks.map((t) => t.duration));
  report([
    ['roster result', `${(rosterBytes / 1024).toFixed(0)} KB`, '–'],
    ['roster result → list usable', ms(readyAt - rosterAt), CONTACTS > 5000 ? '≤ 1 s' : '≤ 500 ms'],
    ['Log in → list usable', ms(readyAt - clicked), '–'],
    ['longest task, Log in → usable', ms(longest(toReady)), '≤ 50 ms'],
    ['tasks over 50 ms, Log in → usable', `${toReady.length}`, '0'],
    ['most CPU in one task, Log in → usable (trace)', ms(Math.max(0, ...tracedToReady.map((t) => t.cpu))), '≤ 50 ms'],
    ['slowest key in the filter, at once', ms(slowestKey), '≤ 50 ms'],
    ['most CPU in one task meanwhile (trace)', ms(Math.max(0, ...during(traced, typedFrom, typedTo).map((t) => t.cpu))), '–'],
    ['slowest key in the filter, 5 s later', ms(slowestLater), '≤ 50 ms'],
    [`longest task scrolling (${steps} screens)`, ms(longest(scrollTasks)), '≤ 50 ms'],
    ['JS heap after GC', `${(heap / 1048576).toFixed(1)} MB`, '≤ 30 MB'],
    ['DOM elements', `${domNodes}`, '–'],
  ]);
  for (const t of toReady) {
    console.log(`long task at +${ms(t.start - clicked)} (roster result at +${ms(rosterAt - clicked)}): ${ms(t.duration)}`);
  }
  for (const t of tracedToReady.filter((t) => t.wall > 50)) {
    console.log(`traced task at +${ms(t.start - clicked)}: ${ms(t.wall)}, of which the thread ran ${ms(t.cpu)}`);
  }
  for (const line of await explainFrames(page, clicked, readyAt)) console.log(line);
  if (slow) {
    const rest = slow.duration - slow.delay - slow.processing;
    console.log(`slowest key: ${slow.name} at +${ms(slow.start - readyAt)} after usable; waited ${ms(slow.delay)}, handled in ${ms(slow.processing)}, painted ${ms(rest)} later`);
    for (const line of await explainFrames(page, slow.start - 200, slow.start + slow.duration)) console.log(line);
    for (const t of during(traced, slow.start, slow.start + slow.duration).filter((t) => t.wall > 4)) {
      console.log(`  a task meanwhile: ${ms(t.wall)}, of which the thread ran ${ms(t.cpu)}`);
    }
  }
});
