// What the client benchmarks record in the page, with the Performance API:
// long main-thread tasks, slow input events, and when the WebSocket's
// largest message arrived.
import type { CDPSession, Page } from '@playwright/test';

/** A Long Animation Frame entry, cut down to what explains it. */
export interface Frame {
  start: number;
  duration: number;
  /** From the start of style and layout to the frame's end. */
  render: number;
  scripts: { invoker: string; duration: number; layout: number }[];
}

declare global {
  interface Window {
    __bench: { longTasks: { start: number; duration: number }[]; frames: Frame[]; events: { name: string; start: number; duration: number; delay: number; processing: number }[]; bigMessageAt: number; bigMessageBytes: number; memories: WebAssembly.Memory[] };
  }
}

/** Installs the recorders before any of the page's scripts run. */
export async function record(page: Page) {
  await page.addInitScript(() => {
    const bench = { longTasks: [], frames: [], events: [], bigMessageAt: 0, bigMessageBytes: 0, memories: [] } as Window['__bench'];
    // The WASM's memory, from the instances the page makes.
    const keep = (r: WebAssembly.WebAssemblyInstantiatedSource | WebAssembly.Instance) => {
      const exports = 'instance' in r ? r.instance.exports : r.exports;
      for (const v of Object.values(exports)) if (v instanceof WebAssembly.Memory) bench.memories.push(v);
      return r;
    };
    const streaming = WebAssembly.instantiateStreaming;
    WebAssembly.instantiateStreaming = (...a) => streaming(...a).then(keep) as ReturnType<typeof streaming>;
    const instantiate = WebAssembly.instantiate;
    WebAssembly.instantiate = ((...a: Parameters<typeof instantiate>) => instantiate(...a).then(keep)) as typeof instantiate;
    window.__bench = bench;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) bench.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    // Long Animation Frames say which callbacks and how much rendering a
    // long task held (Chromium 123 and later).
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as LoafEntry[]) {
        const layoutAt = e.styleAndLayoutStart || e.renderStart || e.startTime + e.duration;
        bench.frames.push({
          start: e.startTime,
          duration: e.duration,
          render: e.startTime + e.duration - layoutAt,
          scripts: e.scripts.map((s) => ({ invoker: s.invoker, duration: s.duration, layout: s.forcedStyleAndLayoutDuration })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as PerformanceEventTiming[]) {
        bench.events.push({
          name: e.name,
          start: e.startTime,
          duration: e.duration,
          delay: e.processingStart - e.startTime,
          processing: e.processingEnd - e.processingStart,
        });
      }
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

interface LoafEntry {
  startTime: number;
  duration: number;
  renderStart: number;
  styleAndLayoutStart: number;
  scripts: { invoker: string; duration: number; forcedStyleAndLayoutDuration: number }[];
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

/** What the long animation frames in [from, to) spent their time on. */
export async function explainFrames(page: Page, from: number, to: number): Promise<string[]> {
  const frames = await page.evaluate(([a, b]) => window.__bench.frames.filter((f) => f.start >= a && f.start < b && f.duration > 50), [from, to]);
  return frames.map((f) => {
    const scripts = f.scripts.map((s) => `${s.invoker} ${s.duration.toFixed(0)} ms` + (s.layout ? ` (forced layout ${s.layout.toFixed(0)} ms)` : ''));
    return `frame at ${f.start.toFixed(0)}: ${f.duration.toFixed(0)} ms, rendering ${f.render.toFixed(0)} ms; ${scripts.join(', ') || 'no script'}`;
  });
}

/** A main-thread task from Chromium's trace: wall time and the time the
 * thread actually ran (CPU), which differ when the OS runs something else. */
export interface TracedTask {
  /** `performance.now()` at its start. */
  start: number;
  wall: number;
  cpu: number;
}

/**
 * Starts Chromium's trace of the page's main-thread tasks. The returned
 * function stops it and gives every task since the mark `from`
 * (`performance.mark`, set by the caller in the page), in page time.
 */
export async function traceTasks(cdp: CDPSession) {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (d: { value: TraceEvent[] }) => events.push(...d.value));
  await cdp.send('Tracing.start', { categories: 'toplevel,blink.user_timing', transferMode: 'ReportEvents' });
  return async (page: Page, from: string): Promise<TracedTask[]> => {
    const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
    await cdp.send('Tracing.end');
    await done;
    const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
    const onMain = (e: TraceEvent) => main.has(`${e.pid}:${e.tid}`);
    const mark = events.find((e) => e.name === from && onMain(e));
    if (!mark) throw new Error(`trace: no mark ${from}`);
    // Trace time (µs) to page time (ms), by the mark.
    const at = await page.evaluate((n) => performance.getEntriesByName(n)[0].startTime, from);
    return events
      .filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && onMain(e) && e.ts >= mark.ts)
      .map((e) => ({ start: at + (e.ts - mark.ts) / 1000, wall: (e.dur ?? 0) / 1000, cpu: (e.tdur ?? 0) / 1000 }));
  };
}

/** The tasks that overlap [from, to). */
export function during(tasks: TracedTask[], from: number, to: number) {
  return tasks.filter((t) => t.start < to && t.start + t.wall > from);
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/** The bytes of the page's WebAssembly memories, as `record` saw them made. */
export async function wasmMemory(page: Page): Promise<number> {
  return page.evaluate(() => [...new Set(window.__bench.memories)].reduce((n, m) => n + m.buffer.byteLength, 0));
}

/** Starts the CPU profiler; the returned function stops it and prints the
 * `top` functions by their own time (with `BENCH_PROFILE` set). */
export async function profile(cdp: CDPSession, top = 25) {
  if (!process.env.BENCH_PROFILE) return async () => {};
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  return async () => {
    const { profile: p } = await cdp.send('Profiler.stop');
    const self = new Map<string, number>();
    const dt = new Map<number, number>();
    p.samples?.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (p.timeDeltas?.[i] ?? 0)));
    for (const n of p.nodes) {
      const name = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}`;
      self.set(name, (self.get(name) ?? 0) + (dt.get(n.id) ?? 0) / 1000);
    }
    const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, top);
    for (const [name, ms] of rows) console.log(`${ms.toFixed(0).padStart(7)} ms  ${name}`);
  };
}
