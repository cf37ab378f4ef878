// What the client benchmarks record in the page, with the Performance API:
// long main-thread tasks, slow input events, and when the WebSocket's
// largest message arrived.
import type { CDPSession, Page } from '@playwright/test';

declare global {
  interface Window {
    __bench: { longTasks: { start: number; duration: number }[]; events: { name: string; start: number; duration: number }[]; bigMessageAt: number; bigMessageBytes: number };
  }
}

/** Installs the recorders before any of the page's scripts run. */
export async function record(page: Page) {
  await page.addInitScript(() => {
    const bench = { longTasks: [], events: [], bigMessageAt: 0, bigMessageBytes: 0 } as Window['__bench'];
    window.__bench = bench;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) bench.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) bench.events.push({ name: e.name, start: e.startTime, duration: e.duration });
    }).observe({ type: 'event', durationThreshold: 16, buffered: true } as PerformanceObserverInit);
    // The roster result is by far the largest message: note when it came.
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener('message', (ev) => {
          const size = typeof ev.data === 'string' ? ev.data.length : 0;
          if (size > bench.bigMessageBytes) {
            bench.bigMessageBytes = size;
            bench.bigMessageAt = performance.now();
          }
        });
      }
    };
  });
}

export async function now(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** Long tasks that started in [from, to). */
export async function longTasks(page: Page, from: number, to: number) {
  return page.evaluate(([a, b]) => window.__bench.longTasks.filter((t) => t.start >= a && t.start < b), [from, to]);
}

/** The JS heap in use after a full garbage collection, in bytes. */
export async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = await cdp.send('Runtime.getHeapUsage');
  return usage.usedSize;
}

/** A figure for the report: name, value, unit and the budget. */
export function report(rows: [string, string, string][]) {
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log('\n' + rows.map(([k, v, budget]) => `${k.padEnd(width)}  ${v.padStart(10)}   (budget ${budget})`).join('\n') + '\n');
}
