/**
 * Starts `bin/quiver <command>` as a child process and resolves once it printed its banner
 * (`... listening on http://...` for servers, `quiver indexer running` for indexers). Used by the
 * end-to-end, crash and cluster tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface QuiverProcess {
  /** Base URL for servers; '' for indexers. */
  url: string;
  child: ChildProcess;
  /** Recent stderr (JSON log lines), for failure messages. */
  logs(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit: no shutdown code runs. */
  kill(): Promise<void>;
}

export interface StartOptions {
  command: 'standalone' | 'proxy' | 'indexer';
  dataDir: string;
  env?: Record<string, string>;
  /** Extra command-line arguments. */
  args?: string[];
  /** How long to wait for the banner, ms. */
  timeoutMs?: number;
}

const ROOT = join(import.meta.dirname, '..', '..');

export async function startQuiverProcess(o: StartOptions): Promise<QuiverProcess> {
  const args = [o.command, '--data-dir', o.dataDir, ...(o.command === 'indexer' ? [] : ['--port', '0']), ...(o.args ?? [])];
  const child = spawn(join(ROOT, 'bin', 'quiver'), args, { env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => {
    stderr += b.toString();
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });
  const lines = createInterface({ input: child.stdout! });
  const timeoutMs = o.timeoutMs ?? 60_000;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${o.command} did not start in ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${o.command} exited with ${code} before starting:\n${stderr}`));
    });
    lines.on('line', (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m || /indexer running/.test(line)) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(m ? m[1] : '');
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
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return { httpStatus: res.status, text };
  }
}
