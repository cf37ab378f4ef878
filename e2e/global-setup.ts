// Starts the test servers (CA, Prosody, ejabberd, parlons) through the Rust
// harness, shares their addresses with the workers, and stops them after.
import type { FullConfig } from '@playwright/test';
import { startHarness } from './harness';

export default async function globalSetup(_config: FullConfig) {
  const { info, stop } = await startHarness('serve');
  process.env.PARLONS_HARNESS = info;
  process.env.PARLONS_URL = JSON.parse(info).gateway;
  return stop;
}
