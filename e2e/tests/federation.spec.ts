// Federation through real DNS: Prosody (`a.test`) and ejabberd (`b.test`)
// in a network namespace of their own, where dnsmasq serves their SRV
// records. `parlons` finds both by `_xmpp-client`, with no `--upstream`,
// and the servers find each other by `_xmpp-server`, with no static route.
// The browser runs in that namespace too. Prosody is not `localhost` here:
// resolvers never ask DNS about that name (RFC 6761 §6.3).
import { readFile } from 'node:fs/promises';
import { chromium, type Browser } from '@playwright/test';
import { chromiumFlags } from '../chromium';
import { test, expect, befriend, contact, log, newPage, say, signIn, type Account } from '../fixtures';
import { startHarness } from '../harness';

interface Federation {
  gateway: string;
  /** Runs Chromium inside the namespace. */
  chromium: string;
  /** dnsmasq's log of the queries it answered. */
  dnsQueries: string;
  /** One on Prosody, one on ejabberd. */
  accounts: [Account, Account];
}

let federation: Federation;
let stop: (() => Promise<void>) | undefined;
let browser: Browser | undefined;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const started = await startHarness('federation');
  stop = started.stop;
  federation = JSON.parse(started.info) as Federation;
  browser = await chromium.launch({ executablePath: federation.chromium, args: chromiumFlags });
});

test.afterAll(async () => {
  await browser?.close();
  await stop?.();
});

test('users of two servers found through SRV subscribe, see presence and chat both ways', async () => {
  test.setTimeout(90_000);
  const [alice, carol] = federation.accounts;
  expect(alice.jid).toMatch(/@a\.test$/);
  expect(carol.jid).toMatch(/@b\.test$/);
  const pa = await newPage(browser!, federation.gateway);
  const pc = await newPage(browser!, federation.gateway);
  await signIn(pa, alice);
  await signIn(pc, carol);

  // Alice asks (and pre-approves Carol); Carol accepts, which asks back:
  // presence both ways.
  await befriend(pa, pc, carol, alice);
  await expect(contact(pa, carol.jid)).toContainText('Available');
  await expect(contact(pc, alice.jid)).toContainText('Available');

  await contact(pa, carol.jid).click();
  await say(pa, 'hello from a.test');
  await contact(pc, alice.jid).click();
  await expect(log(pc)).toContainText('hello from a.test');
  await say(pc, 'hello from b.test');
  await expect(log(pa)).toContainText('hello from b.test');

  // Every route was found in DNS: the gateway's to each server, and each
  // server's to the other.
  const queries = await readFile(federation.dnsQueries, 'utf8');
  for (const name of ['_xmpp-client._tcp.a.test', '_xmpp-client._tcp.b.test', '_xmpp-server._tcp.b.test', '_xmpp-server._tcp.a.test']) {
    expect(queries).toContain(`query[SRV] ${name} `);
  }
});
