// Rooms at scale (#21): a join that brings 5,000 occupants, then 2,000
// more presences and 2,000 messages as fast as the server passes them, and
// a room with 200 messages a minute while the log scrolls and the composer
// is in use. The room is a stand-in: an external component (XEP-0114) on
// the harness's Prosody answers the join itself, since filling a real MUC
// service would take thousands of accounts. The functional tests use the
// real services.
import type { CDPSession, Page } from '@playwright/test';
import { test, expect, log, messageBox, newPage, signIn } from '../fixtures';
import { Component, escape } from '../component';
import { heapAfterGc, longTasks, now, profile, record, report, wasmMemory } from './measure';

const OCCUPANTS = 5000;
const BATCH = 2000;
/** The steady room's length; `BENCH_ROOM_MINUTES` shortens it for a try. */
const MINUTES = Number(process.env.BENCH_ROOM_MINUTES ?? 5);
const ms = (v: number) => `${v.toFixed(0)} ms`;
const MUC_USER = 'http://jabber.org/protocol/muc#user';

/** The stand-in room: answers disco#info and the join, then sends what
 * the benchmark asks, at the server's pace (a round trip every 100). */
class StandIn {
  user = '';
  nick = '';

  constructor(
    private c: Component,
    readonly room: string,
  ) {}

  /** Answers the client's disco#info (a room without MAM) and its join. */
  async awaitJoin() {
    const iq = await this.c.next(new RegExp(`<iq[^>]*to=["']${this.room}["'][^>]*>`));
    const attr = (tag: string, name: string) => new RegExp(`\\s${name}=["']([^"']+)["']`).exec(tag)?.[1] ?? '';
    this.c.write(
      `<iq type="result" from="${this.room}" to="${attr(iq, 'from')}" id="${attr(iq, 'id')}">` +
        '<query xmlns="http://jabber.org/protocol/disco#info"><identity category="conference" type="text" name="Big"/>' +
        '<feature var="http://jabber.org/protocol/muc"/></query></iq>',
    );
    const presence = await this.c.next(new RegExp(`<presence[^>]*to=["']${this.room}/[^"']+["'][^>]*>`));
    this.user = attr(presence, 'from');
    this.nick = attr(presence, 'to').slice(this.room.length + 1);
  }

  /** Occupants `user FROM` to `user TO-1` come in. */
  async occupants(from: number, to: number) {
    for (let i = from; i < to; i += 1) {
      this.c.write(
        `<presence from="${this.room}/user ${i}" to="${this.user}"><x xmlns="${MUC_USER}">` +
          '<item affiliation="none" role="participant"/></x></presence>',
      );
      if (i % 100 === 99) await this.c.flush();
    }
    await this.c.flush();
  }

  /** Our own presence (110) and the subject: the join is done. */
  async joined() {
    this.c.write(
      `<presence from="${this.room}/${this.nick}" to="${this.user}"><x xmlns="${MUC_USER}">` +
        '<item affiliation="owner" role="moderator"/><status code="110"/></x></presence>' +
        `<message from="${this.room}" to="${this.user}" type="groupchat"><subject>A big room</subject></message>`,
    );
    await this.c.flush();
  }

  message(i: number, body: string) {
    this.c.write(
      `<message from="${this.room}/user ${i % OCCUPANTS}" to="${this.user}" type="groupchat" id="m${i}">` +
        `<body>${escape(body)}</body></message>`,
    );
  }

  async messages(from: number, count: number) {
    for (let i = from; i < from + count; i += 1) {
      this.message(i, `line ${i}: what the room says now`);
      if (i % 100 === 99) await this.c.flush();
    }
    await this.c.flush();
  }
}

/** Waits, frame by frame, until the occupant count reads `n`; its time. */
async function countShows(page: Page, n: number): Promise<number> {
  const handle = await page.waitForFunction(
    (want) => [...document.querySelectorAll('h2, h3')].some((h) => h.textContent?.trim() === want) && performance.now(),
    `${n} occupants`,
    { polling: 'raf', timeout: 300_000 },
  );
  return (await handle.jsonValue()) as number;
}

/** Waits, frame by frame, until the log holds `text`; its time. */
async function logShows(page: Page, text: string): Promise<number> {
  const handle = await page.waitForFunction(
    (t) => !!document.querySelector('[role=log]')?.textContent?.includes(t) && performance.now(),
    text,
    { polling: 'raf', timeout: 300_000 },
  );
  return (await handle.jsonValue()) as number;
}

const longest = (tasks: { duration: number }[]) => Math.max(0, ...tasks.map((t) => t.duration));

async function memory(page: Page, cdp: CDPSession) {
  const heap = await heapAfterGc(cdp);
  const wasm = await wasmMemory(page);
  return `${((heap + wasm) / 1048576).toFixed(1)} MB (JS ${(heap / 1048576).toFixed(1)}, WASM ${(wasm / 1048576).toFixed(1)})`;
}

test(`a room of ${OCCUPANTS} occupants, then ${BATCH} presences and ${BATCH} messages`, async ({ browser, baseURL, account, harness }) => {
  const alice = await account();
  const page = await newPage(browser, baseURL);
  await record(page);
  const cdp = await page.context().newCDPSession(page);
  await signIn(page, alice);
  const c = await Component.connect(harness.prosody.component);
  try {
    const room = new StandIn(c, `big@${harness.prosody.component.domain}`);
    await page.goto(`/#/open?uri=${encodeURIComponent(`xmpp:${room.room}?join`)}`);
    await room.awaitJoin();

    // The join: every occupant, then our own presence.
    const joinFrom = await now(page);
    const joinSentAt = Date.now();
    await room.occupants(0, OCCUPANTS);
    await room.joined();
    const joinSent = Date.now() - joinSentAt;
    const lastSent = await now(page);
    const joinShown = await countShows(page, OCCUPANTS + 1);
    const joinTasks = await longTasks(page, joinFrom, joinShown + 1000);
    // Usable: the filter finds an occupant and the composer takes a line.
    const filter = page.getByRole('searchbox', { name: 'Filter occupants' });
    const typedFrom = await now(page);
    await filter.pressSequentially('user 4321', { delay: 100 });
    await expect(page.getByRole('list', { name: 'Occupants' }).getByRole('button', { name: 'user 4321', exact: true })).toBeVisible();
    const keys = await page.evaluate((a) => window.__bench.events.filter((e) => e.start >= a && ['keydown', 'keypress', 'input', 'keyup'].includes(e.name)), typedFrom);
    await filter.fill('');
    const joinMemory = await memory(page, cdp);
    console.log(`joined: ${ms(joinShown - lastSent)} after the last presence, longest task ${ms(longest(joinTasks))}, ${joinMemory}`);

    // 2,000 more occupants, as fast as the server passes them.
    const moreFrom = await now(page);
    const moreSentAt = Date.now();
    await room.occupants(OCCUPANTS, OCCUPANTS + BATCH);
    const moreSent = Date.now() - moreSentAt;
    const moreShown = await countShows(page, OCCUPANTS + BATCH + 1);
    const moreTasks = await longTasks(page, moreFrom, moreShown);

    // 2,000 messages into the open room.
    const messagesFrom = await now(page);
    const profiled = await profile(cdp);
    const messagesSentAt = Date.now();
    await room.messages(0, BATCH);
    const messagesSent = Date.now() - messagesSentAt;
    const messagesShown = await logShows(page, `line ${BATCH - 1}:`);
    await profiled();
    const messageTasks = await longTasks(page, messagesFrom, messagesShown);
    const after = await memory(page, cdp);

    report([
      [`the server passes ${OCCUPANTS} occupants' presences`, ms(joinSent), '–'],
      ['last presence sent → the count shows them all', ms(joinShown - lastSent), '≤ 1 s'],
      ['longest task in the join (to 1 s after)', ms(longest(joinTasks)), '≤ 50 ms'],
      ['tasks over 50 ms in the join', `${joinTasks.length}`, '0'],
      ['slowest key in "Filter occupants"', ms(Math.max(16, ...keys.map((k) => k.duration))), '≤ 50 ms'],
      ['JS heap after GC + WASM memory, joined', joinMemory, '≤ 40 MB'],
      [`the server passes ${BATCH} more presences`, ms(moreSent), '–'],
      ['first sent → all counted', `${ms(moreShown - moreFrom)} (${((moreShown - moreFrom) / moreSent).toFixed(2)}×)`, '≤ 1.5×'],
      ['longest task meanwhile', ms(longest(moreTasks)), '≤ 50 ms'],
      [`the server passes ${BATCH} room messages`, ms(messagesSent), '–'],
      ['first sent → the last shows in the log', `${ms(messagesShown - messagesFrom)} (${((messagesShown - messagesFrom) / messagesSent).toFixed(2)}×)`, '≤ 1.5×'],
      ['longest task meanwhile', ms(longest(messageTasks)), '≤ 50 ms'],
      ['JS heap after GC + WASM memory, after', after, '–'],
    ]);
    for (const t of [...joinTasks, ...moreTasks, ...messageTasks]) console.log(`long task at ${ms(t.start)}: ${ms(t.duration)}`);
  } finally {
    c.close();
  }
});

test(`a room with 200 messages a minute for ${MINUTES} minutes`, async ({ browser, baseURL, account, harness }) => {
  test.setTimeout((MINUTES * 60 + 120) * 1000);
  const alice = await account();
  const page = await newPage(browser, baseURL);
  await record(page);
  await signIn(page, alice);
  const c = await Component.connect(harness.prosody.component);
  try {
    const room = new StandIn(c, `busy@${harness.prosody.component.domain}`);
    await page.goto(`/#/open?uri=${encodeURIComponent(`xmpp:${room.room}?join`)}`);
    await room.awaitJoin();
    await room.occupants(0, 300);
    await room.joined();
    await countShows(page, 301);

    const from = await now(page);
    const total = MINUTES * 200;
    let sent = 0;
    const sending = (async () => {
      for (; sent < total; sent += 1) {
        room.message(sent, `line ${sent}: a busy room's chatter, one line every 300 ms`);
        await new Promise((r) => setTimeout(r, 300));
      }
      await c.flush();
    })();
    // Meanwhile a person reads back, scrolls down again and writes.
    const box = messageBox(page);
    let rounds = 0;
    while (sent < total) {
      await log(page).evaluate((el) => el.scrollBy(0, -el.clientHeight * 2));
      await page.waitForTimeout(1000);
      await log(page).evaluate((el) => el.scrollTo(0, el.scrollHeight));
      await box.pressSequentially('typing while the room talks', { delay: 60 });
      await box.fill('');
      rounds += 1;
    }
    await sending;
    await logShows(page, `line ${total - 1}:`);
    const tasks = await longTasks(page, from, await now(page));
    const keys = await page.evaluate((a) => window.__bench.events.filter((e) => e.start >= a && ['keydown', 'keypress', 'input', 'keyup'].includes(e.name)), from);
    report([
      ['messages', `${total} in ${MINUTES} min`, '200 a minute'],
      ['rounds of scrolling and typing', `${rounds}`, '–'],
      ['longest task', ms(longest(tasks)), '≤ 50 ms'],
      ['tasks over 50 ms', `${tasks.length}`, '0'],
      ['slowest key', ms(Math.max(16, ...keys.map((k) => k.duration))), '≤ 50 ms'],
      ['keys over 50 ms (of those over 16 ms)', `${keys.filter((k) => k.duration > 50).length} of ${keys.length}`, '0'],
    ]);
    for (const k of keys.filter((k) => k.duration > 50)) {
      console.log(`slow key: ${k.name}, waited ${ms(k.delay)}, handled in ${ms(k.processing)}, painted ${ms(k.duration - k.delay - k.processing)} later`);
    }
  } finally {
    c.close();
  }
});
