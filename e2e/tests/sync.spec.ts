// History, carbons and federation: what keeps a person's devices and
// servers in step.
import { test, expect, signIn, befriend, contact, newPage, log, say } from '../fixtures';

test('Keep me signed in: after a reload, signed in again with the history back', async ({ browser, baseURL, account }) => {
  const alice = await account();
  const bob = await account();
  const pa = await newPage(browser, baseURL);
  const pb = await newPage(browser, baseURL);
  await signIn(pa, alice, { keep: true });
  await signIn(pb, bob);
  await befriend(pa, pb, bob, alice);
  await pa.goto(`/#/chat/${bob.jid}`);
  await say(pa, 'written before the reload');
  await pb.goto(`/#/chat/${alice.jid}`);
  await expect(log(pb)).toContainText('written before the reload');
  await say(pb, 'answered before the reload');
  await expect(log(pa)).toContainText('answered before the reload');

  await pa.reload();
  // Both come back: from the offline store at once, and the archive agrees.
  await expect(log(pa)).toContainText('written before the reload');
  await expect(log(pa)).toContainText('answered before the reload');
  await expect(contact(pa, bob.jid)).toBeVisible();
});

test('two devices of one account see both sides of a conversation (carbons)', async ({ browser, baseURL, account }) => {
  const alice = await account();
  const bob = await account();
  const laptop = await newPage(browser, baseURL);
  const phone = await newPage(browser, baseURL);
  const pb = await newPage(browser, baseURL);
  await signIn(laptop, alice);
  await signIn(pb, bob);
  await befriend(laptop, pb, bob, alice);
  await signIn(phone, alice);
  await phone.goto(`/#/chat/${bob.jid}`);
  await laptop.goto(`/#/chat/${bob.jid}`);

  await say(laptop, 'sent from the laptop');
  const onPhone = log(phone).getByRole('listitem').filter({ hasText: 'sent from the laptop' });
  await expect(onPhone).toBeVisible();
  await expect(onPhone).toContainText('Me');

  await pb.goto(`/#/chat/${alice.jid}`);
  await say(pb, 'seen on both devices');
  await expect(log(laptop)).toContainText('seen on both devices');
  await expect(log(phone)).toContainText('seen on both devices');
});

test('a chat across the federation, and the contacts screen is accessible', async ({ browser, baseURL, account, harness, expectAccessible }) => {
  const alice = await account('prosody');
  const carol = await account('ejabberd');
  expect(carol.jid.endsWith(`@${harness.ejabberd.domain}`)).toBe(true);
  const pa = await newPage(browser, baseURL);
  const pc = await newPage(browser, baseURL);
  await signIn(pa, alice);
  await signIn(pc, carol);
  await befriend(pa, pc, carol, alice);
  await expect(contact(pa, carol.jid)).toContainText('Available');

  await contact(pa, carol.jid).click();
  await say(pa, 'hello from localhost');
  await contact(pc, alice.jid).click();
  await expect(log(pc)).toContainText('hello from localhost');
  await say(pc, 'hello from b.test');
  await expect(log(pa)).toContainText('hello from b.test');
  // A quick reply sorts after the message it answers.
  const text = await log(pa).innerText();
  expect(text.indexOf('hello from localhost')).toBeLessThan(text.indexOf('hello from b.test'));

  // The contact list beside the conversation shows the last message.
  await expect(contact(pa, carol.jid)).toContainText('hello from b.test');
  await expectAccessible(pa);
  await pa.setViewportSize({ width: 375, height: 700 });
  await pa.getByRole('button', { name: 'Back' }).click();
  await expect(contact(pa, carol.jid)).toBeVisible();
  await expectAccessible(pa);
});
