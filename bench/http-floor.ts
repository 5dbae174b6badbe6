/**
 * Starts and stops bare `node:http` reference servers (bench/http-floor-server.ts) in child
 * processes, so that the benchmarks can show what one HTTP round trip with JSON bodies costs on
 * the machine, apart from anything quiver does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './measure.ts';
import type { RawIndex } from './raw-usearch.ts';

/** One running reference server. */
export interface HttpFloor {
  url: string;
  pid: number;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s); resolves once it exited. */
  close(): Promise<void>;
}

const SERVER = join(REPO_ROOT, 'bench', 'http-floor-server.ts');

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Spawns a reference server; with `index`, it answers searches from a view of that file,
 * otherwise only inserts. Rejects if the process does not report its port within 30 s.
 */
export async function startHttpFloor(index?: RawIndex): Promise<HttpFloor> {
  const args = index ? [index.path, String(index.dim), String(index.hnsw.M), String(index.hnsw.efConstruction)] : [];
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-2000); });
  const lines = createInterface({ input: child.stdout! });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    const [first] = (await Promise.race([
      once(lines, 'line'),
      once(child, 'exit').then(() => { throw new Error(`bare HTTP server exited before listening: ${stderr.trim()}`); }),
    ])) as [string];
    const { port } = JSON.parse(first) as { port: number };
    lines.close();
    return { url: `http://127.0.0.1:${port}`, pid: child.pid!, close: () => stop(child) };
  } catch (err) {
    await stop(child);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
