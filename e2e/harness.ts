// Runs the Rust harness (`parlons-harness`), waits for the JSON line it
// prints once its servers are up, and stops it: it stops every process it
// started once its stdin closes.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');
export const binDir = process.env.PARLONS_BIN_DIR ?? path.join(root, 'target', 'debug');

/** `parlons-harness COMMAND --parlons … --site-dir …`. */
export async function startHarness(command: string): Promise<{ info: string; stop: () => Promise<void> }> {
  const harness = spawn(
    path.join(binDir, 'parlons-harness'),
    [command, '--parlons', path.join(binDir, 'parlons'), '--site-dir', path.join(root, 'target', 'site')],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<number | null>((resolve) => harness.on('exit', resolve));
  const lines = createInterface({ input: harness.stdout! });
  const info = await Promise.race([
    new Promise<string>((resolve) => lines.once('line', resolve)),
    exited.then((code) => {
      throw new Error(`parlons-harness ${command} exited with ${code} before it was ready`);
    }),
  ]);
  const stop = async () => {
    harness.stdin!.end();
    await exited;
  };
  return { info, stop };
}
