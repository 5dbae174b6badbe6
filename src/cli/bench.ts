/**
 * `quiver bench [suite] [options]`: runs the benchmark harness (bench/main.ts, what `npm run
 * bench` runs) as a child process with the remaining arguments, and exits with its exit code.
 * The harness lives in the source tree, so this works from a checkout, not from a bare install.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CommandError } from './usage.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export async function runBench(argv: string[]): Promise<number> {
  const main = join(ROOT, 'bench', 'main.ts');
  if (!existsSync(main)) throw new CommandError(`the benchmark harness is not here (${main}); run quiver bench from a source checkout`);
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...argv], { cwd: ROOT, stdio: 'inherit' });
  // Pass Ctrl-C / termination on, so the harness can stop its servers.
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise<number>((resolve, reject) => {
    child.once('error', (err) => reject(new CommandError(`cannot start the benchmark harness: ${err.message}`)));
    child.once('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : 15) : 1));
    });
  });
}
