import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// `make bench`: the client's benchmarks, one at a time, kept out of `make test`.
export default defineConfig({
  ...base,
  testDir: './bench',
  testMatch: '*.bench.ts',
  workers: 1,
  timeout: 600_000,
  reporter: [['list']],
  use: {
    ...base.use,
    // A trace's DOM snapshots run in the page at each action: they would
    // be measured as the client's own long tasks.
    trace: 'off',
    launchOptions: {
      ...base.use?.launchOptions,
      args: [...(base.use?.launchOptions?.args ?? []), '--enable-precise-memory-info'],
    },
  },
});
