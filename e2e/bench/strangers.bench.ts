// A spam wave: 2,000 strangers write at once, through an external
// component on the harness's Prosody. How fast the server takes them, how
// soon the client has absorbed them all (a contact's message sent right
// after shows in Contacts), and the longest tasks meanwhile.
import { test, expect, chatting, say } from '../fixtures';
import { Component } from '../component';
import { longTasks, now, record, report } from './measure';

const STRANGERS = 2000;
const ms = (v: number) => `${v.toFixed(0)} ms`;

test('a wave of 2,000 strangers', async ({ browser, baseURL, account, harness }) => {
  const { pa, pb, alice } = await chatting(browser, baseURL, account, { prepare: record });
  await pa.goto('/#/');
  const component = await Component.connect(harness.prosody.component);
  try {
    const from = await now(pa);
    const sentAt = Date.now();
    await component.wave(alice.jid, STRANGERS, 'spam');
    const sent = Date.now() - sentAt;
    // Messages reach the client in order: once this one shows, every
    // stranger's before it was absorbed.
    await say(pb, 'right after the wave');
    const contacts = pa.getByRole('navigation', { name: 'Contacts' });
    await expect(contacts).toContainText('right after the wave', { timeout: 300_000 });
    const absorbed = (await now(pa)) - from;
    const tasks = await longTasks(pa, from, await now(pa));
    await expect(pa.getByRole('button', { name: /^Message requests/ })).toHaveText(/200/);
    const longest = Math.max(0, ...tasks.map((t) => t.duration));
    report([
      [`server takes ${STRANGERS} strangers' messages`, `${ms(sent)} (${Math.round((STRANGERS * 1000) / sent)}/s)`, '–'],
      ['wave start → all absorbed (a contact\'s message after it shows)', `${ms(absorbed)} (${Math.round((STRANGERS * 1000) / absorbed)}/s)`, 'the server\'s pace'],
      ['longest task meanwhile', ms(longest), '≤ 50 ms'],
      ['tasks over 50 ms meanwhile', `${tasks.length}`, '0'],
    ]);
  } finally {
    component.close();
  }
});
