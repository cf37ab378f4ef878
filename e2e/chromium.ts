// Debian's Chromium: Playwright never downloads a browser here.
export const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const chromiumFlags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
