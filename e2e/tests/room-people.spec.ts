// What people do to each other in a room (XEP-0045, XEP-0249): invite and
// answer, a kick and a ban seen by both sides, a private message to an
// occupant, a mention that gets through a muted room, and a new nick, a
// subject, the member list and destroying the room.
import type { Browser } from '@playwright/test';
import { test, expect, createRoom, joinRoom, log, newPage, occupants, rooms, say, signIn, type Account } from '../fixtures';

const nick = (a: Account) => a.jid.split('@')[0];

/** Alice and Bob signed in on `server`, and a room Alice made on `service`. */
async function aliceMadeARoom(
  browser: Browser,
  baseURL: string | undefined,
  account: (server: 'prosody' | 'ejabberd') => Promise<Account>,
  server: 'prosody' | 'ejabberd',
  service: string,
) {
  const [alice, bob] = [await account(server), await account(server)];
  const [pa, pb] = [await newPage(browser, baseURL), await newPage(browser, baseURL)];
  await signIn(pa, alice);
  await signIn(pb, bob);
  const { room } = await createRoom(pa, service);
  return { alice, bob, pa, pb, room };
}

for (const [server, service] of [
  ['prosody', 'conference.localhost'],
  ['ejabberd', 'conference.b.test'],
] as const) {
  test(`on ${server}: an invitation, a kick and a ban, each seen by both sides`, async ({ browser, baseURL, account }) => {
    test.setTimeout(90_000);
    const { alice, bob, pa, pb, room } = await aliceMadeARoom(browser, baseURL, account, server, service);

    // Alice invites Bob; he joins from the invitation.
    await pa.getByRole('button', { name: 'Invite' }).click();
    const invite = pa.getByRole('dialog', { name: 'Invite' });
    await invite.getByRole('combobox', { name: "Contact's address" }).fill(bob.jid);
    await invite.getByRole('button', { name: 'Invite' }).click();
    const invitation = rooms(pb).getByRole('list', { name: 'Invitations' }).getByRole('listitem');
    // They are not contacts: the invitation is a request, with Block.
    await expect(invitation).toContainText(`${alice.jid}, who is not in your contacts, invites you to ${room}.`);
    await expect(invitation.getByRole('button', { name: `Block ${alice.jid}` })).toBeVisible();
    await invitation.getByRole('button', { name: 'Join' }).click();
    await expect(pb.getByRole('heading', { name: room, level: 2 })).toBeVisible();
    await expect(occupants(pb).getByRole('button', { name: nick(alice) })).toBeVisible();
    await expect(occupants(pa).getByRole('button', { name: nick(bob) })).toBeVisible();

    // A kick: he is told, she sees it, and he may come back.
    await occupants(pa).getByRole('button', { name: nick(bob) }).click();
    await pa.getByRole('group', { name: nick(bob) }).getByRole('button', { name: 'Kick' }).click();
    await expect(pb.getByText('You were removed from this room.')).toBeVisible();
    await expect(log(pa).getByText(`${nick(bob)} was removed`)).toBeVisible();
    await pb.getByRole('status').getByRole('button', { name: 'Join' }).click();
    await expect(occupants(pa).getByRole('button', { name: nick(bob) })).toBeVisible();

    // A ban, by his real address: he cannot come back.
    await occupants(pa).getByRole('button', { name: nick(bob) }).click();
    await pa.getByRole('group', { name: nick(bob) }).getByRole('button', { name: 'Ban' }).click();
    await expect(pb.getByText('You were banned from this room.')).toBeVisible();
    await expect(log(pa).getByText(`${nick(bob)} was banned`)).toBeVisible();
    await expect(occupants(pa).getByRole('button', { name: nick(bob) })).toHaveCount(0);
  });
}

test('a private message to an occupant, and a mention through a muted room', async ({ browser, baseURL, account }) => {
  test.setTimeout(90_000);
  const [alice, bob] = [await account(), await account()];
  const [pa, pb] = [await newPage(browser, baseURL), await newPage(browser, baseURL)];
  await signIn(pa, alice);
  await signIn(pb, bob);
  const { name, room } = await createRoom(pa, 'conference.localhost');
  await pb.goto(`/#/open?uri=${encodeURIComponent(`xmpp:${room}?join`)}`);
  await expect(occupants(pb).getByRole('button', { name: nick(alice) })).toBeVisible();

  // Bob writes to Alice alone; she finds it in her list.
  await occupants(pb).getByRole('button', { name: nick(alice) }).click();
  await pb.getByRole('button', { name: 'Private message' }).click();
  await expect(pb.getByRole('heading', { name: nick(alice), level: 2 })).toBeVisible();
  await say(pb, 'just between us');
  const privately = rooms(pa).getByRole('link', { name: new RegExp(`^${nick(bob)} \\(${name}\\)`) });
  await expect(privately).toContainText('1 unread');
  await privately.click();
  await expect(log(pa)).toContainText('just between us');
  await expect(pa.getByRole('log', { name: 'Messages' }).locator('.message')).toHaveCount(1);

  // Alice mutes the room and looks elsewhere: chatter does not count,
  // her name does.
  await rooms(pa).getByRole('link', { name: new RegExp(`^${name}`) }).click();
  await pa.getByRole('button', { name: 'Mute' }).click();
  await expect(pa.getByRole('button', { name: 'Mute' })).toHaveAttribute('aria-pressed', 'true');
  await pa.goto('/#/');
  await pb.goto(`/#/room/${room}`);
  await say(pb, 'chatter');
  await expect(pa).toHaveTitle('Parlons');
  await say(pb, `${nick(alice)}: a question`);
  const line = rooms(pa).getByRole('link', { name: new RegExp(`^${name}`) });
  await expect(line).toContainText('mentions you');
  await expect(pa).toHaveTitle('(2) Parlons');
  await line.click();
  await expect(log(pa).locator('.message.mention')).toContainText('a question');
  await expect(line).not.toContainText('mentions you');
});

for (const [server, service] of [
  ['prosody', 'conference.localhost'],
  ['ejabberd', 'conference.b.test'],
] as const) {
  test(`on ${server}: an owner sets a password in Room settings; a wrong one is refused, the right one lets in`, async ({ browser, baseURL, account }) => {
    test.setTimeout(90_000);
    const { alice, bob, pa, pb, room } = await aliceMadeARoom(browser, baseURL, account, server, service);

    await pa.getByRole('button', { name: 'Room settings' }).click();
    const settings = pa.getByRole('dialog', { name: 'Room settings' });
    const secret = settings.getByLabel('Password', { exact: true });
    await expect(secret).toBeVisible();
    // ejabberd asks for protection apart from the password.
    const protect = settings.getByRole('checkbox', { name: /password protected/i });
    if (await protect.count()) await protect.check();
    await secret.fill('sesame');
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect(settings).toBeHidden();
    await expect(pa.getByRole('alert').filter({ hasText: /\S/ })).toHaveCount(0);

    await rooms(pb).getByRole('button', { name: 'Join room' }).click();
    const join = pb.getByRole('dialog', { name: 'Join room' });
    await join.getByRole('textbox', { name: 'Room address' }).fill(room);
    await join.getByLabel('Room password (if it has one)').fill('nope');
    await join.locator('form').getByRole('button', { name: 'Join', exact: true }).click();
    const stage = pb.getByRole('status');
    await expect(stage).toContainText('This room needs a password.');
    await stage.getByLabel('Room password (if it has one)').fill('sesame');
    await stage.getByRole('button', { name: 'Join' }).click();
    await expect(occupants(pb).getByRole('button', { name: nick(alice) })).toBeVisible();
  });
}

for (const [server, service] of [
  ['prosody', 'conference.localhost'],
  ['ejabberd', 'conference.b.test'],
] as const) {
  test(`on ${server}: a new nick, a subject, the member list, and the room destroyed`, async ({ browser, baseURL, account }) => {
    test.setTimeout(90_000);
    const { alice, bob, pa, pb, room } = await aliceMadeARoom(browser, baseURL, account, server, service);
    await joinRoom(pb, room);
    await expect(occupants(pa).getByRole('button', { name: nick(bob) })).toBeVisible();

    // Bob takes another nick: both lists follow, and Alice is told.
    await pb.getByRole('button', { name: 'Change nickname' }).click();
    const rename = pb.getByRole('dialog', { name: 'Change nickname' });
    await expect(rename.getByRole('textbox', { name: 'Nickname' })).toHaveValue(nick(bob));
    await rename.getByRole('textbox', { name: 'Nickname' }).fill('Robert 2');
    await rename.getByRole('button', { name: 'Change', exact: true }).click();
    await expect(log(pa).getByText(`${nick(bob)} is now Robert 2`)).toBeVisible();
    await expect(occupants(pa).getByRole('button', { name: 'Robert 2' })).toBeVisible();
    await expect(occupants(pb).getByRole('button', { name: 'Robert 2' })).toBeVisible();

    // Alice sets the subject, and Bob reads it.
    await pa.getByRole('button', { name: 'Change subject' }).click();
    const subject = pa.getByRole('dialog', { name: 'Change subject' });
    await subject.getByRole('textbox', { name: 'Subject' }).fill('Release on Friday');
    await subject.getByRole('button', { name: 'Save' }).click();
    await expect(pb.getByRole('main').getByText('Release on Friday', { exact: true })).toBeVisible();
    await expect(log(pb).getByText(`${nick(alice)} changed the subject`)).toBeVisible();

    // The member list: Bob added, then removed.
    await pa.getByRole('button', { name: 'Members' }).click();
    const members = pa.getByRole('dialog', { name: 'Members' });
    await expect(members.getByText('This room has no members yet.')).toBeVisible();
    await members.getByRole('textbox', { name: 'Add a member (address)' }).fill(bob.jid);
    await members.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(members.getByRole('list', { name: 'Members' }).getByRole('listitem')).toHaveText([new RegExp(bob.jid)]);
    await members.getByRole('button', { name: `Remove ${bob.jid}` }).click();
    await expect(members.getByText('This room has no members yet.')).toBeVisible();
    await members.getByRole('button', { name: 'Cancel' }).click();

    // Alice destroys the room: Bob is told why, and it leaves her list.
    await pa.getByRole('button', { name: 'Destroy room' }).click();
    const destroy = pa.getByRole('dialog', { name: 'Destroy room' });
    await destroy.getByRole('textbox', { name: 'Reason (optional)' }).fill('Moved elsewhere');
    await destroy.getByRole('button', { name: 'Destroy', exact: true }).click();
    await expect(pb.getByText('This room was closed. Moved elsewhere')).toBeVisible();
    await expect(rooms(pa).getByRole('link')).toHaveCount(0);
  });
}
