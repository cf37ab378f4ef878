// Rooms (XEP-0045) on both harness servers: create one, join it from a
// second person with a hostile nick, chat both ways, occupants with their
// filter and plural count, Tab completion, notices, leaving, and a reload
// that joins again from bookmarks (XEP-0402 on Prosody, XEP-0048 on
// ejabberd) with the history from the room's archive. A room that another
// client (xmpp.js) made: a nick conflict, a hostile subject, both ways. The
// room browser.
import { test, expect, createRoom, joinRoom, log, messageBox, newPage, occupants, rooms, say, signIn } from '../fixtures';
import { xml } from '../peer';


for (const [server, service] of [
  ['prosody', 'conference.localhost'],
  ['ejabberd', 'conference.b.test'],
] as const) {
  test(`a room on ${server}: create, join, chat, occupants and a reload`, async ({ browser, baseURL, account, expectAccessible }) => {
    test.setTimeout(90_000);
    const [alice, bob] = [await account(server), await account(server)];
    const [pa, pb] = [await newPage(browser, baseURL), await newPage(browser, baseURL)];
    let dialogs = 0;
    pa.on('dialog', (d) => { dialogs += 1; void d.dismiss(); });
    await signIn(pa, alice, { keep: true });
    await signIn(pb, bob);

    // Alice creates the room on her server's service.
    const { name, room } = await createRoom(pa, service, 'Team');
    const aliceNick = alice.jid.split('@')[0];
    await expect(occupants(pa).getByRole('button', { name: aliceNick })).toBeVisible();
    await expect(rooms(pa).getByRole('link', { name: new RegExp(name) })).toBeVisible();

    // Bob joins by its address, with a nick that is markup.
    const evil = '<img src=x onerror=alert(1)>';
    await joinRoom(pb, room, evil);
    await expect(occupants(pb).getByRole('button', { name: aliceNick })).toBeVisible();

    // Alice sees him come in, as text, and counts two.
    await expect(log(pa).getByText(`${evil} joined`)).toBeVisible();
    await expect(occupants(pa).getByRole('button', { name: evil })).toBeVisible();
    await expect(pa.getByRole('heading', { name: '2 occupants' })).toBeVisible();
    await pa.getByRole('searchbox', { name: 'Filter occupants' }).fill('img');
    await expect(occupants(pa).getByRole('button')).toHaveCount(1);
    await pa.getByRole('searchbox', { name: 'Filter occupants' }).fill('');

    // Both ways; Tab completes his nick, and he sees the mention.
    await say(pb, 'Hello room');
    await expect(log(pa)).toContainText('Hello room');
    await messageBox(pa).fill('<im');
    await messageBox(pa).press('Tab');
    await expect(messageBox(pa)).toHaveValue(`${evil}: `);
    await messageBox(pa).pressSequentially('welcome');
    await messageBox(pa).press('Enter');
    await expect(log(pb)).toContainText(`${evil}: welcome`);
    await expect(log(pb).locator('.message.mention')).toHaveCount(1);
    await expect(log(pa).locator('img, script')).toHaveCount(0);
    await expect(occupants(pa).locator('img')).toHaveCount(0);
    expect(dialogs).toBe(0);
    await expectAccessible(pa);

    // A reload joins again from the bookmark, with the archive's history.
    await pa.reload();
    await expect(pa.getByRole('heading', { name, level: 2 })).toBeVisible();
    await expect(occupants(pa).getByRole('button', { name: aliceNick })).toBeVisible();
    await expect(log(pa)).toContainText('Hello room');

    // Bob leaves: gone from his list, and Alice sees him go.
    await pb.getByRole('button', { name: 'Leave room' }).click();
    await expect(rooms(pb).getByRole('link')).toHaveCount(0);
    await expect(log(pa).getByText(`${evil} left`)).toBeVisible();
  });
}

for (const [server, service] of [
  ['prosody', 'conference.localhost'],
  ['ejabberd', 'conference.b.test'],
] as const) {
  test(`a room that xmpp.js made on ${server}: a taken nick, a hostile subject, chat both ways`, async ({ browser, baseURL, account, peer }) => {
    const [alice, carol] = [await account(server), await account(server)];
    const other = await peer(carol, server);
    const room = `made-${Math.random().toString(36).slice(2, 8)}@${service}`;
    const from = (nick: string) => (s: { attrs: Record<string, string> }) => s.attrs.from === `${room}/${nick}`;

    // Carol's client makes an instant room and sets a subject that is markup.
    await other.send(xml('presence', { to: `${room}/carol` }, xml('x', { xmlns: 'http://jabber.org/protocol/muc' })));
    await other.received((s) => s.is('presence') && from('carol')(s));
    await other.set(room, xml('query', { xmlns: 'http://jabber.org/protocol/muc#owner' }, xml('x', { xmlns: 'jabber:x:data', type: 'submit' })));
    const subject = '<img src=x onerror=alert(1)> plans';
    await other.send(xml('message', { to: room, type: 'groupchat' }, xml('subject', {}, subject)));
    await other.received((s) => s.is('message') && s.getChildText('subject') === subject);

    // Alice asks for "carol": taken, and Parlons offers another nick.
    const pa = await newPage(browser, baseURL);
    let dialogs = 0;
    pa.on('dialog', (d) => { dialogs += 1; void d.dismiss(); });
    await signIn(pa, alice);
    await joinRoom(pa, room, 'carol');
    await expect(pa.getByText('Someone in this room already uses that nickname. Try carol_.')).toBeVisible();
    const nick = pa.getByRole('main').getByRole('textbox', { name: 'Nickname' });
    await expect(nick).toHaveValue('carol_');
    await pa.getByRole('main').getByRole('button', { name: 'Join', exact: true }).click();
    await expect(occupants(pa).getByRole('button', { name: 'carol_' })).toBeVisible();
    await expect(occupants(pa).getByRole('button', { name: 'carol', exact: true })).toBeVisible();
    await other.received((s) => s.is('presence') && from('carol_')(s));

    // The subject shows as text.
    await expect(pa.getByText(subject)).toBeVisible();
    await expect(pa.getByRole('main').locator('img')).toHaveCount(0);

    // Both ways.
    await other.send(xml('message', { to: room, type: 'groupchat', id: 'from-carol' }, xml('body', {}, 'Hello from xmpp.js')));
    await expect(log(pa)).toContainText('Hello from xmpp.js');
    await say(pa, 'Hello Carol');
    await other.received((s) => s.is('message') && from('carol_')(s) && s.getChildText('body') === 'Hello Carol');
    expect(dialogs).toBe(0);
  });
}

test('an xmpp: join link joins the room, and the room view fits 375 px', async ({ browser, baseURL, account, expectAccessible }) => {
  const alice = await account();
  const pa = await newPage(browser, baseURL);
  await signIn(pa, alice);
  const room = `link-${Math.random().toString(36).slice(2, 8)}@conference.localhost`;
  await pa.goto(`/#/open?uri=${encodeURIComponent(`xmpp:${room}?join`)}`);
  await expect(pa).toHaveURL(new RegExp(`#/room/${room}$`));
  await expect(pa.getByRole('heading', { name: room, level: 2 })).toBeVisible();
  await expect(occupants(pa).getByRole('button', { name: alice.jid.split('@')[0] })).toBeVisible();
  await pa.setViewportSize({ width: 375, height: 700 });
  await expect(pa.getByRole('button', { name: 'Occupants' })).toBeVisible();
  await expectAccessible(pa);
});

// ejabberd lists new rooms; Prosody hides them until made public.
test('the room browser lists the public rooms, tells of one, and joins it', async ({ browser, baseURL, account }) => {
  const [alice, bob] = [await account('ejabberd'), await account('ejabberd')];
  const [pa, pb] = [await newPage(browser, baseURL), await newPage(browser, baseURL)];
  await signIn(pa, alice);
  const { room } = await createRoom(pa, 'conference.b.test', 'Listed');
  await signIn(pb, bob);
  await rooms(pb).getByRole('button', { name: 'Join room' }).click();
  const listed = pb
    .getByRole('dialog', { name: 'Join room' })
    .getByRole('list', { name: 'Public rooms' })
    .getByRole('listitem')
    .filter({ hasText: room });
  // Opened, it says what the room says of itself: Alice is in it.
  await listed.locator('summary').click();
  await expect(listed.getByText('1 occupant', { exact: true })).toBeVisible();
  await listed.getByRole('button', { name: 'Join' }).click();
  await expect(pb.getByRole('heading', { name: room, level: 2 })).toBeVisible();
  await expect(occupants(pa).getByRole('button', { name: bob.jid.split('@')[0] })).toBeVisible();
});
