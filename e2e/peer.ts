// Another XMPP client for tests: xmpp.js, signed in over the server's own
// WebSocket (not through Parlons' gateway), as a person using a different
// client would be.
import { client, xml as element, type Client, type Element } from '@xmpp/client';

/** An XML element for `Peer.send` and `Peer.set`: name, attributes, children. */
export const xml = element;

export class Peer {
  private seen: Element[] = [];
  private wake: (() => void) | null = null;
  private errors: string[] = [];

  private constructor(readonly xmpp: Client) {
    xmpp.on('stanza', (s: Element) => {
      this.seen.push(s);
      this.wake?.();
    });
    // Kept to explain a stanza that does not come.
    xmpp.on('error', (e: Error) => this.errors.push(e.message));
    // xmpp.js 0.14 answers an <r/> that comes right behind <enabled/>
    // (Prosody sends one) with what it counted before, then starts again
    // from 0; Prosody ends the stream at the next, lower <a/>. Until it
    // knows it is enabled, it has counted nothing.
    const sm = xmpp.streamManagement;
    let inbound = 0;
    Object.defineProperty(sm, 'inbound', {
      get: () => (sm.enabled ? inbound : 0),
      set: (n: number) => (inbound = n),
    });
  }

  /** Signs in as `jid` with `password` at the WebSocket `service`. */
  static async start(service: string, jid: string, password: string): Promise<Peer> {
    const [username, domain] = jid.split('@');
    const peer = new Peer(client({ service, domain, username, password }));
    await peer.xmpp.start();
    return peer;
  }

  send(stanza: Element): Promise<void> {
    return this.xmpp.send(stanza);
  }

  /** An iq set to `to`; resolves with the result, throws on an error. */
  set(to: string, child: Element): Promise<Element> {
    return this.xmpp.iqCaller.set(child, to);
  }

  /** The first stanza received (since sign-in) that `match` accepts. */
  async received(match: (s: Element) => boolean, timeoutMs = 15_000): Promise<Element> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.seen.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the awaited stanza did not come; errors: ${this.errors.join('; ') || 'none'}; the last:\n${this.seen.slice(-4).join('\n')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async stop(): Promise<void> {
    await this.xmpp.stop().catch(() => {});
  }
}
