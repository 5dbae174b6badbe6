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
  /** Base URL of the process's HTTP listener (an indexer's serves /healthz, /readyz, /metrics). */
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
  // Indexers' health listener on a free port unless the test chose one (parallel tests must not clash).
  const portEnv = o.command === 'indexer' ? { QUIVER_INDEXER_HTTP_PORT: '0' } : {};
  const child = spawn(join(ROOT, 'bin', 'quiver'), args, { env: { ...process.env, ...portEnv, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
      const m = /listening on (https?:\/\/\S+)/.exec(line);
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

// Reading a process's /metrics in tests, and waiting for a condition.

/** The Prometheus text of `${url}/metrics`; throws unless HTTP 200. */
export async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url}/metrics answered ${res.status}: ${text}`);
  return text;
}

/**
 * Sum of the values of the series `name` whose labels include all of `labels`, or undefined when
 * there is no such series.
 */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = new Map([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) sum = (sum ?? 0) + Number(m[3]);
  }
  return sum;
}

/** Polls `probe` until it answers something other than null/false; throws after timeoutMs. */
export async function waitUntil<T>(probe: () => Promise<T | null | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== null && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
