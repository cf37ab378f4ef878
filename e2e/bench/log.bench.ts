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

  // From the latest message up to the first, a screen at a time: the log
  // renders more whenever the top is reached.
  const scrollFrom = await now(pa);
  const screens = await log(pa).evaluate(async (el) => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
    let n = 0;
    el.scrollTop = el.scrollHeight;
    await frame();
    while (n < 20_000) {
      if (el.scrollTop === 0) {
        el.dispatchEvent(new Event('scroll'));
        await frame();
        await frame();
        if (el.scrollTop === 0 && el.textContent?.includes('Message 0:')) break;
      }
      el.scrollTop = Math.max(0, el.scrollTop - el.clientHeight);
      await frame();
      n += 1;
    }
    return n;
  });
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
