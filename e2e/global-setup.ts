// Starts the test servers (CA, Prosody, ejabberd, parlons) through the Rust
// harness, shares their addresses with the workers, and stops them after.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '..');
const binDir = process.env.PARLONS_BIN_DIR ?? path.join(root, 'target', 'debug');

export default async function globalSetup(_config: FullConfig) {
  const harness = spawn(
    path.join(binDir, 'parlons-harness'),
    ['serve', '--parlons', path.join(binDir, 'parlons'), '--site-dir', path.join(root, 'target', 'site')],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<number | null>((resolve) => harness.on('exit', resolve));
  const lines = createInterface({ input: harness.stdout! });
  const first = await Promise.race([
    new Promise<string>((resolve) => lines.once('line', resolve)),
    exited.then((code) => {
      throw new Error(`parlons-harness exited with ${code} before it was ready`);
    }),
  ]);
  process.env.PARLONS_HARNESS = first;
  process.env.PARLONS_URL = JSON.parse(first).gateway;

  // The harness stops every process it started once its stdin closes.
  return async () => {
    harness.stdin!.end();
    await exited;
  };
}
