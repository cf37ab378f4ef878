import { defineConfig } from '@playwright/test';
import { chromium, chromiumFlags } from './chromium';

// xmpp.js (`peer.ts`) needs Node's WebSocket, behind a flag in Node 20;
// the workers inherit the runner's environment.
if (!process.env.NODE_OPTIONS?.includes('--experimental-websocket')) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --experimental-websocket`.trim();
}

export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  timeout: 30_000,
  reporter: process.env.CI ? [['list'], ['./failures.ts']] : [['list'], ['html', { open: 'never' }], ['./failures.ts']],
  outputDir: '../target/e2e-results',
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: chromiumFlags,
    },
  },
  projects: [
    { name: 'chromium', use: { browserName: 'chromium' }, testIgnore: /(restart|limits)\.spec\.ts/ },
    // They load the shared servers heavily, or restart them: each alone,
    // after the rest.
    { name: 'limits', use: { browserName: 'chromium' }, testMatch: /limits\.spec\.ts/, dependencies: ['chromium'] },
    { name: 'restarts', use: { browserName: 'chromium' }, testMatch: /restart\.spec\.ts/, dependencies: ['limits'] },
  ],
});
