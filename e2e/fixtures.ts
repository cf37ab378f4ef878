// Fixtures shared by every test: the harness's servers, fresh accounts,
// console-error capture and an axe accessibility check.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Browser, type Page } from '@playwright/test';
import type { ComponentInfo } from './component';
import { binDir } from './harness';
import { Peer } from './peer';

/** What `parlons-harness serve` prints once everything is up. */
export interface HarnessInfo {
  gateway: string;
  ca: string;
  prosody: {
    domain: string;
    ws: string;
    config: string;
    prosodyctl: string;
    /** An external component (XEP-0114) that sends from any address at its domain. */
    component: ComponentInfo;
  };
  ejabberd: { domain: string; ws: string; api: string; captchaAnswer: string };
  /** A server that ends every stream with a stream error. */
  closing: { domain: string };
  /** The harness's control port (`harness/src/control.rs`). */
  control: number;
  /** nginx in front of three more replicas. */
  balanced: string;
  /** The `/metrics` URLs of the replicas behind `balanced`, in the order
   * `replica kill N` counts. */
  replicaMetrics: string[];
}

export interface Account {
  jid: string;
  password: string;
}

function harness(): HarnessInfo {
  const raw = process.env.PARLONS_HARNESS;
  if (!raw) throw new Error('global setup did not run');
  return JSON.parse(raw) as HarnessInfo;
}

/** Creates a fresh account on the harness's Prosody or ejabberd. */
async function createAccount(server: 'prosody' | 'ejabberd'): Promise<Account> {
  const h = harness();
  const user = `u${randomBytes(6).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  if (server === 'prosody') {
    await promisify(execFile)(h.prosody.prosodyctl, [
      '--config', h.prosody.config, 'register', user, h.prosody.domain, password,
    ]);
    return { jid: `${user}@${h.prosody.domain}`, password };
  }
  const res = await fetch(`${h.ejabberd.api}/register`, {
    method: 'POST',
    body: JSON.stringify({ user, host: h.ejabberd.domain, password }),
  });
  if (!res.ok) throw new Error(`ejabberd register: ${res.status} ${await res.text()}`);
  return { jid: `${user}@${h.ejabberd.domain}`, password };
}


/** Gives a Prosody account `count` contacts ("Contact N", in 20 groups),
 * written as its roster file before its first sign-in: that many roster
 * sets would take minutes. */
export async function giveRoster(account: Account, count: number) {
  const h = harness();
  await promisify(execFile)(path.join(binDir, 'parlons-harness'), ['roster', h.prosody.config, account.jid, `${count}`]);
}

/** Asks the harness to act (`gateway crash`, `gateway restart`, `prosody
 * restart`); resolves once it is done. */
export function control(command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(harness().control, '127.0.0.1', () => socket.write(`${command}\n`));
    let reply = '';
    socket.on('data', (d) => (reply += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => (reply.startsWith('ok') ? resolve() : reject(new Error(`harness: ${reply.trim() || 'no answer'}`))));
  });
}

/** Alice (kept signed in with `keep`) and Bob, contacts of each other,
 * each in their conversation. */
export async function chatting(
  browser: Browser,
  baseURL: string | undefined,
  account: (server?: 'prosody' | 'ejabberd') => Promise<Account>,
  opts: { prepare?: (page: Page) => Promise<void>; keep?: boolean } = {},
) {
  const alice = await account();
  const bob = await account();
  const pa = await newPage(browser, baseURL);
  if (opts.prepare) await opts.prepare(pa);
  const pb = await newPage(browser, baseURL);
  await signIn(pa, alice, { keep: opts.keep });
  await signIn(pb, bob);
  await befriend(pa, pb, bob, alice);
  await pa.goto(`/#/chat/${bob.jid}`);
  await pb.goto(`/#/chat/${alice.jid}`);
  return { pa, pb, alice, bob };
}

interface Fixtures {
  closeContexts: void;
  harness: HarnessInfo;
  consoleErrors: string[];
  expectAccessible: (page: Page) => Promise<void>;
  account: (server?: 'prosody' | 'ejabberd') => Promise<Account>;
  /** `account` signed in with xmpp.js on its server; stopped after the test. */
  peer: (account: Account, server?: 'prosody' | 'ejabberd') => Promise<Peer>;
}

export const test = base.extend<Fixtures>({
  // Each context a test opened (a person, a device) is closed after it:
  // left open, their clients kept running, and a worker's later tests
  // shared two cores with dozens of them.
  closeContexts: [
    async ({ browser }, use) => {
      await use();
      await Promise.all(browser.contexts().map((c) => c.close().catch(() => {})));
    },
    { auto: true },
  ],
  baseURL: async ({}, use) => use(harness().gateway),
  harness: async ({}, use) => use(harness()),
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await use(errors);
  },
  expectAccessible: async ({}, use) => {
    await use(async (page: Page) => {
      const results = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
        .analyze();
      expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
    });
  },
  account: async ({}, use) => {
    await use((server = 'prosody') => createAccount(server));
  },
  peer: async ({}, use) => {
    const peers: Peer[] = [];
    await use(async (account, server = 'prosody') => {
      const peer = await Peer.start(harness()[server].ws, account.jid, account.password);
      peers.push(peer);
      return peer;
    });
    await Promise.all(peers.map((p) => p.stop()));
  },
});

/** A page in a browser context of its own: another person, or another device. */
export async function newPage(browser: Browser, baseURL: string | undefined): Promise<Page> {
  return (await browser.newContext({ baseURL })).newPage();
}

/** The open conversation's log, and its message box. */
export function log(page: Page) {
  return page.getByRole('log', { name: 'Messages' });
}

export function messageBox(page: Page) {
  return page.getByRole('textbox', { name: 'Message', exact: true });
}

/** Keeps the page's WebSockets within reach, and the frames they carried. */
export async function watchSockets(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { sockets: WebSocket[]; frames: string[] };
    w.sockets = [];
    w.frames = [];
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        w.sockets.push(this);
        this.addEventListener('message', (ev) => w.frames.push(String(ev.data)));
      }
      send(data: string) {
        w.frames.push(data);
        super.send(data);
      }
    };
  });
}

export const frames = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { frames: string[] }).frames);

/** The names of the page's IndexedDB databases (the offline store). */
export async function databases(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''));
}

/** How many messages in the open conversation read exactly `text`. */
export async function copies(page: Page, text: string) {
  return log(page).getByText(text, { exact: true }).count();
}

/** Types a message into the open conversation and sends it with Enter. */
export async function say(page: Page, text: string) {
  await messageBox(page).fill(text);
  await messageBox(page).press('Enter');
}

/** Signs in from the login page and waits for the contacts. */
export async function signIn(page: Page, account: Account, opts: { keep?: boolean } = {}) {
  await page.goto('/');
  await page.getByRole('textbox', { name: 'Address' }).fill(account.jid);
  await page.getByLabel('Password').fill(account.password);
  if (opts.keep) await page.getByLabel('Keep me signed in').check();
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('navigation', { name: 'Contacts' })).toBeVisible();
}

/** Adds `jid` through the Add contact dialog. */
export async function addContact(page: Page, jid: string) {
  await page.getByRole('button', { name: 'Add contact' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add contact' });
  await dialog.getByRole('textbox', { name: 'Address' }).fill(jid);
  await dialog.getByRole('button', { name: 'Add' }).click();
}

/** Adds `other` as a contact from `page`, and `otherPage` accepts. */
export async function befriend(page: Page, otherPage: Page, other: Account, me: Account) {
  await addContact(page, other.jid);
  await expect(otherPage.getByText(`${me.jid} wants to see when you are online.`)).toBeVisible();
  await otherPage.getByRole('button', { name: 'Accept' }).click();
}

/** The contact's link in the Contacts list. */
export function contact(page: Page, jid: string) {
  return page.getByRole('navigation', { name: 'Contacts' }).getByRole('link', { name: new RegExp(`^${jid.replace(/[.]/g, '\\.')}`) });
}

/** The sidebar's rooms, and the open room's occupants. */
export const rooms = (page: Page) => page.getByRole('navigation', { name: 'Rooms' });
export const occupants = (page: Page) => page.getByRole('list', { name: 'Occupants' });

/** Creates a room named `prefix` and a random tail on `service`, from the
 * Create room dialog; its name and address. */
export async function createRoom(page: Page, service: string, prefix = 'Room'): Promise<{ name: string; room: string }> {
  const name = `${prefix} ${Math.random().toString(36).slice(2, 8)}`;
  await rooms(page).getByRole('button', { name: 'Create room' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create room' });
  await expect(dialog.getByText(`Room service: ${service}`)).toBeVisible();
  await dialog.getByRole('textbox', { name: 'Room name' }).fill(name);
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { name, level: 2 })).toBeVisible();
  return { name, room: `${name.toLowerCase().replace(' ', '-')}@${service}` };
}

/** Joins `room` by its address through "Join room", as `nick` if given. */
export async function joinRoom(page: Page, room: string, nick?: string) {
  await rooms(page).getByRole('button', { name: 'Join room' }).click();
  const join = page.getByRole('dialog', { name: 'Join room' });
  await join.getByRole('textbox', { name: 'Room address' }).fill(room);
  if (nick !== undefined) await join.getByRole('textbox', { name: 'Nickname' }).fill(nick);
  await join.locator('form').getByRole('button', { name: 'Join', exact: true }).click();
}

export { expect };
