/**
 * Starts `bin/quiver standalone` as a child process on a free port and a given data directory,
 * for end-to-end and crash tests. Resolves once the server printed its listening line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface StandaloneProcess {
  url: string;
  child: ChildProcess;
  /** Everything written to stderr so far (JSON log lines), for failure messages. */
  logs(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit: no shutdown code runs. */
  kill(): Promise<void>;
}

const ROOT = join(import.meta.dirname, '..', '..');

export async function startStandaloneProcess(dataDir: string, env: Record<string, string> = {}): Promise<StandaloneProcess> {
  const child = spawn(join(ROOT, 'bin', 'quiver'), ['standalone', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => {
    stderr += b.toString();
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${stderr}`)), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${stderr}`));
    });
    lines.on('line', (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  const waitExit = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  };
  return { url, child, logs: () => stderr, stop: () => waitExit('SIGTERM'), kill: () => waitExit('SIGKILL') };
}

/** POSTs a Milvus REST v2 request and returns the parsed JSON answer. */
export async function milvus(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(`${url}/v2/vectordb/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return res.json();
}
