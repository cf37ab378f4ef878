// A bare XMPP client (RFC 7395, SASL PLAIN) run inside a page, for
// benchmarks that need thousands of stanzas sent quickly.
import type { Page } from '@playwright/test';

export interface BotJob {
  url: string;
  domain: string;
  user: string;
  password: string;
  to: string;
  count: number;
  /** The first word of each body. */
  prefix: string;
  /** Bodies to send instead of `count` generated ones. */
  bodies?: string[];
  /** An iq with id "ask" to send once bound, whose answer is returned. */
  ask?: string;
}

/** Signs in as `user`, asks `ask`'s iq and returns its answer. */
export async function askServer(page: Page, job: Omit<BotJob, 'to' | 'count' | 'prefix'> & { ask: string }): Promise<string> {
  return (await sendMessages(page, { ...job, to: '', count: 0, prefix: 'ask' })) as string;
}

/** Signs in as `user` and sends `count` chat messages to `to`; with `ask`,
 * returns the answer to that iq instead. */
export async function sendMessages(page: Page, job: BotJob): Promise<number | string> {
  return page.evaluate(async (j) => {
    const ws = new WebSocket(j.url, 'xmpp');
    const inbox: string[] = [];
    let wake: (() => void) | null = null;
    ws.onmessage = (ev) => {
      inbox.push(String(ev.data));
      wake?.();
    };
    const next = async (match: string) => {
      for (;;) {
        const i = inbox.findIndex((m) => m.includes(match));
        if (i >= 0) return inbox.splice(0, i + 1)[i];
        await new Promise<void>((r) => (wake = r));
      }
    };
    await new Promise((r) => (ws.onopen = r));
    const open = `<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="${j.domain}" version="1.0"/>`;
    ws.send(open);
    await next('<mechanisms');
    const plain = btoa(`\0${j.user}\0${j.password}`);
    ws.send(`<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">${plain}</auth>`);
    await next('<success');
    ws.send(open);
    await next('<bind');
    ws.send('<iq xmlns="jabber:client" type="set" id="bind"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></iq>');
    await next('id="bind"');
    if (j.ask) {
      ws.send(j.ask);
      const answer = await next('"ask"');
      ws.send('<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>');
      return answer;
    }
    const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const count = j.bodies ? j.bodies.length : j.count;
    for (let i = 0; i < count; i += 1) {
      const body = j.bodies ? escape(j.bodies[i]) : `${j.prefix} ${i}: a line of chat for the benchmark.`;
      ws.send(`<message xmlns="jabber:client" to="${j.to}" type="chat" id="${j.prefix}${i}"><body>${body}</body><markable xmlns="urn:xmpp:chat-markers:0"/></message>`);
      if (i % 200 === 199) {
        // A round trip now and then, so nothing piles up unsent.
        ws.send(`<iq xmlns="jabber:client" type="get" id="p${i}"><ping xmlns="urn:xmpp:ping"/></iq>`);
        await next(`id="p${i}"`);
      }
    }
    ws.send('<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>');
    return count;
  }, job);
}
