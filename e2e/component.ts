// An external component (XEP-0114) on the harness's Prosody: it may send
// from any address at its domain, so one connection is a crowd of
// strangers. Used by the spam-wave test and benchmark.
import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface ComponentInfo {
  port: number;
  domain: string;
  secret: string;
}

export const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export class Component {
  private inbox = '';
  private wake: (() => void) | null = null;
  private pings = 0;

  private constructor(
    private socket: Socket,
    readonly domain: string,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.inbox += chunk;
      this.wake?.();
    });
    // A stream that ends, or fails, wakes whoever waits, to say so.
    socket.on('close', () => this.wake?.());
    socket.on('error', () => this.wake?.());
  }

  /** Connects and authenticates with the handshake (XEP-0114 §3). */
  static async connect(info: ComponentInfo): Promise<Component> {
    const socket = connect(info.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const c = new Component(socket, info.domain);
    socket.write(
      `<stream:stream xmlns="jabber:component:accept" xmlns:stream="http://etherx.jabber.org/streams" to="${info.domain}">`,
    );
    const header = await c.next(/<stream:stream[^>]*>/);
    const id = /\sid=["']([^"']+)["']/.exec(header)?.[1];
    if (!id) throw new Error(`no stream id in ${header}`);
    const digest = createHash('sha1').update(id + info.secret).digest('hex');
    socket.write(`<handshake>${digest}</handshake>`);
    await c.next(/<handshake\s*\/>|<handshake><\/handshake>/);
    return c;
  }

  /** Waits for what matches `pattern` in what came, and drops what came before. */
  async next(pattern: RegExp): Promise<string> {
    for (;;) {
      const m = pattern.exec(this.inbox);
      if (m) {
        this.inbox = this.inbox.slice(m.index + m[0].length);
        return m[0];
      }
      if (this.inbox.includes('</stream:stream>') || this.socket.destroyed) {
        throw new Error(`component stream ended: ${this.inbox.slice(0, 500)}`);
      }
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  /** Sends `xml` as it is. */
  write(xml: string): void {
    this.socket.write(xml);
  }

  /** A chat message from `from@domain` to `to`. */
  send(fromLocal: string, to: string, id: string, body: string): void {
    this.socket.write(
      `<message from="${fromLocal}@${this.domain}/spam" to="${to}" type="chat" id="${id}"><body>${escape(body)}</body></message>`,
    );
  }

  /** A round trip with the server: everything sent before has reached it. */
  async flush(): Promise<void> {
    this.pings += 1;
    const id = `ping${this.pings}`;
    const server = this.domain.replace(/^[^.]+\./, '');
    this.socket.write(
      `<iq type="get" from="${this.domain}" to="${server}" id="${id}"><ping xmlns="urn:xmpp:ping"/></iq>`,
    );
    await this.next(new RegExp(`<iq[^>]*id=["']${id}["'][^>]*>`));
  }

  /**
   * `count` strangers each send one message to `to`, at the server's pace:
   * a round trip every 100.
   */
  async wave(to: string, count: number, prefix: string): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      this.send(`${prefix}${i}`, to, `${prefix}-m${i}`, `${prefix} ${i}: buy cheap watches now`);
      if (i % 100 === 99) await this.flush();
    }
    await this.flush();
  }

  close(): void {
    this.socket.end('</stream:stream>');
  }
}
