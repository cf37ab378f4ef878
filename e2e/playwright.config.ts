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
    { name: 'chromium', use: { browserName: 'chromium' }, testIgnore: /(restart|limits)\.spec\.ts/ },
    // They load the shared servers heavily, or restart them: each alone,
    // after the rest.
    { name: 'limits', use: { browserName: 'chromium' }, testMatch: /limits\.spec\.ts/, dependencies: ['chromium'] },
    { name: 'restarts', use: { browserName: 'chromium' }, testMatch: /restart\.spec\.ts/, dependencies: ['limits'] },
  ],
});
