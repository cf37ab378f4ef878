// The part of xmpp.js (`@xmpp/client`, which ships no types) that the
// tests use.
declare module '@xmpp/client' {
  export interface Element {
    name: string;
    attrs: Record<string, string>;
    children: (Element | string)[];
    is(name: string, xmlns?: string): boolean;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildText(name: string, xmlns?: string): string | null;
    toString(): string;
  }
  export interface Client {
    start(): Promise<unknown>;
    stop(): Promise<unknown>;
    send(stanza: Element): Promise<void>;
    on(event: string, listener: (arg: never) => void): void;
    streamManagement: { enabled: boolean; inbound: number };
    iqCaller: { set(child: Element, to: string): Promise<Element>; get(child: Element, to: string): Promise<Element> };
  }
  export function client(options: { service: string; domain: string; username: string; password: string; resource?: string }): Client;
  export function xml(name: string, attrs?: Record<string, string> | null, ...children: (Element | string)[]): Element;
}
