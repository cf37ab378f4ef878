import { defineConfig } from '@playwright/test';
import { chromium, chromiumFlags } from './chromium';

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
    { name: 'chromium', use: { browserName: 'chromium' }, testIgnore: /restart\.spec\.ts/ },
    // They restart the shared gateway and server: alone, after the rest.
    { name: 'restarts', use: { browserName: 'chromium' }, testMatch: /restart\.spec\.ts/, dependencies: ['chromium'] },
  ],
});
