// A conversation of 10,000 messages: opening it, scrolling from the latest
// message up to the first, and one more arriving, with the long tasks of
// each.
import { test, expect, signIn, befriend, newPage, log } from '../fixtures';
import { sendMessages } from '../bot';
import { explainFrames, longTasks, now, record, report } from './measure';

const MESSAGES = 10_000;
const ms = (v: number) => `${v.toFixed(0)} ms`;
const longest = (tasks: { duration: number }[]) => Math.max(0, ...tasks.map((t) => t.duration));

test('a conversation of 10,000 messages', async ({ browser, baseURL, account, harness }) => {
  const alice = await account();
  const bob = await account();
  const pa = await newPage(browser, baseURL);
  const pb = await newPage(browser, baseURL);
  await record(pa);
  await signIn(pa, alice);
  await signIn(pb, bob);
  await befriend(pa, pb, bob, alice);
  await pb.close();

  // Bob's messages arrive while Alice's conversation is closed.
  const bot = await newPage(browser, baseURL);
  await bot.goto('/healthz');
  const [user] = bob.jid.split('@');
  const url = `${baseURL!.replace(/^http/, 'ws')}/xmpp-websocket`;
  await sendMessages(bot, { url, domain: harness.prosody.domain, user, password: bob.password, to: alice.jid, count: MESSAGES, prefix: 'Message' });
  await expect(pa.getByRole('navigation', { name: 'Contacts' })).toContainText(`Message ${MESSAGES - 1}:`, { timeout: 300_000 });

  const opening = await now(pa);
  await pa.goto(`/#/chat/${bob.jid}`);
  await expect(log(pa)).toContainText(`Message ${MESSAGES - 1}:`, { timeout: 300_000 });
  const opened = await now(pa);
  const openTasks = await longTasks(pa, opening, opened);
  const rows = await log(pa).getByRole('listitem').count();

  // From the latest message up to the first, a screen at a time with the
  // mouse wheel, as a person reads back: the log renders more whenever
  // its top is reached.
  // The element itself: finding it by role each time is the bench's work,
  // in the page's thread.
  const el = (await log(pa).elementHandle())!;
  await el.evaluate((e) => {
    e.scrollTop = e.scrollHeight;
  });
  const box = (await el.boundingBox())!;
  await pa.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const scrollFrom = await now(pa);
  let screens = 0;
  for (; screens < 20_000; screens += 1) {
    const done = await el.evaluate((e) => e.scrollTop === 0 && !!e.textContent?.includes('Message 0:'));
    if (done) break;
    await pa.mouse.wheel(0, -box.height);
    // Until the scroll settles: two frames in a row at the same place.
    await el.evaluate(async (e) => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
      let last = -1;
      while (e.scrollTop !== last) {
        last = e.scrollTop;
        await frame();
        await frame();
      }
    });
  }
  await expect(log(pa)).toContainText('Message 0:');
  const shownAll = await log(pa).getByRole('listitem').count();
  const scrollTo = await now(pa);
  const scrollTasks = await longTasks(pa, scrollFrom, scrollTo);
  for (const line of await explainFrames(pa, scrollFrom, scrollTo)) console.log(line);

  const oneMoreFrom = await now(pa);
  await sendMessages(bot, { url, domain: harness.prosody.domain, user, password: bob.password, to: alice.jid, count: 1, prefix: 'Late' });
  // Read far back, the log does not render it; the contact's preview does.
  await expect(pa.getByRole('navigation', { name: 'Contacts' })).toContainText('Late 0:');
  const oneMoreTasks = await longTasks(pa, oneMoreFrom, await now(pa));

  const jumpFrom = await now(pa);
  await pa.getByRole('button', { name: 'Jump to the latest message' }).click();
  await expect(log(pa).getByText('Late 0:', { exact: false })).toBeInViewport();
  const jumpTasks = await longTasks(pa, jumpFrom, await now(pa));

  report([
    ['messages in the store', `${MESSAGES}`, '–'],
    ['open the conversation', ms(opened - opening), '–'],
    ['longest task opening it', ms(longest(openTasks)), '≤ 50 ms'],
    ['list items in the log on opening', `${rows}`, '–'],
    [`longest task scrolling to the first message (${screens} screens)`, ms(longest(scrollTasks)), '≤ 50 ms'],
    ['list items with the first message shown', `${shownAll}`, '–'],
    ['longest task for one more message', ms(longest(oneMoreTasks)), '≤ 50 ms'],
    ['longest task jumping to the latest message', ms(longest(jumpTasks)), '≤ 50 ms'],
  ]);
});
