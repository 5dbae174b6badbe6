/**
 * A peer database reached through python/driver.py: one driver process per dataset (so memory is
 * measured from a fresh baseline), JSON lines over its stdin/stdout, one request at a time. The
 * driver times the searches itself, in the peer's own process, with Python threads as clients.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { sleep, summarize } from '../../measure.ts';
import type { PeerDataset } from '../data/dataset.ts';
import type { FilterSpec, PeersParams } from '../params.ts';
import { treeRssMb } from '../process-tree.ts';
import type { BenchSystem, LoadOutcome, SearchLimits, SearchOutcome } from './system.ts';

/** Peers the driver knows. */
export type PythonPeerName = 'faiss' | 'chroma' | 'lancedb' | 'milvus-lite';

type Reply = Record<string, unknown> & { ok: boolean; error?: string };

const DRIVER = join(import.meta.dirname, '..', 'python', 'driver.py');

/** One running driver process. */
class Driver {
  private readonly lines: AsyncIterator<string>;
  private stderr = '';

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stderr.on('data', (b: Buffer) => {
      this.stderr = (this.stderr + b.toString()).slice(-4000);
    });
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  /** Starts a driver and waits for its ready line. */
  static async start(python: string, peer: PythonPeerName): Promise<{ driver: Driver; version: string }> {
    const child = spawn(python, [DRIVER, peer], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ANONYMIZED_TELEMETRY: 'False', LANCE_LOG: 'error', PYTHONDONTWRITEBYTECODE: '1' } });
    const driver = new Driver(child);
    const ready = await driver.next(180_000);
    if (!ready.ok) {
      await driver.stop();
      throw new Error(ready.error ?? 'driver failed to start');
    }
    return { driver, version: String(ready.version ?? '?') };
  }

  private async next(timeoutMs: number): Promise<Reply> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      const line = await Promise.race([this.lines.next(), timeout]);
      if (line.done) throw new Error(`driver exited (code ${this.child.exitCode}): ${this.stderr.trim().split('\n').slice(-5).join(' | ')}`);
      return JSON.parse(line.value) as Reply;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends one request and waits for its reply; a reply with ok=false becomes an error. */
  async request(body: Record<string, unknown>, timeoutMs: number): Promise<Reply> {
    this.child.stdin.write(`${JSON.stringify(body)}\n`);
    const reply = await this.next(timeoutMs);
    if (!reply.ok) throw new Error(reply.error ?? 'driver error');
    return reply;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin.end();
    for (let i = 0; i < 100 && this.child.exitCode === null && this.child.signalCode === null; i++) await sleep(100);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** Starts the peer (verifying that its library imports) and returns it as a BenchSystem. */
export async function startPythonPeer(python: string, peer: PythonPeerName, p: PeersParams): Promise<BenchSystem> {
  const first = await Driver.start(python, peer);
  let current: Driver | null = first.driver;
  let workdir: string | null = null;
  let dim = 0;
  let queriesFile = '';
  const unload = async () => {
    await current?.stop();
    current = null;
    if (workdir) await rm(workdir, { recursive: true, force: true });
    workdir = null;
  };
  return {
    name: peer,
    version: first.version,
    filters: true,
    async load(data: PeerDataset): Promise<LoadOutcome> {
      if (!current) current = (await Driver.start(python, peer)).driver;
      workdir = await mkdtemp(join(tmpdir(), `quiver-peers-${peer}-`));
      dim = data.ds.spec.dim;
      queriesFile = data.files.queries;
      const before = await treeRssMb(current.child.pid!);
      const reply = await current.request({
        cmd: 'load', base: data.files.base, tags: data.files.tags, rows: data.ds.spec.rows, dim, metric: data.metric,
        workdir, M: p.hnsw.M, efConstruction: p.hnsw.efConstruction,
      }, 3_600_000);
      await sleep(1000);
      const after = await treeRssMb(current.child.pid!);
      return {
        load_s: Number(reply.load_s),
        rss_mb: before !== null && after !== null ? Math.round((after - before) * 10) / 10 : null,
        rss_total_mb: after,
        index: String(reply.index),
        knob: String(reply.knob),
        knobs: (reply.knobs as number[]).slice(),
        extra: {},
      };
    },
    async search(knob: number, clients: number, filter: FilterSpec | null, l: SearchLimits): Promise<SearchOutcome> {
      if (!current) throw new Error('search before load');
      const reply = await current.request({
        cmd: 'search', queries: queriesFile, dim, k: l.k, knob, clients,
        filter: filter ? { op: filter.op, value: filter.value } : null,
        warmup: l.warmup, max_s: l.maxSeconds, min_queries: l.minQueries,
      }, Math.max(600_000, l.maxSeconds * 20_000));
      return { ids: reply.ids as number[][], summary: summarize(reply.latencies_ms as number[], Number(reply.wall_ms)) };
    },
    unload,
    close: unload,
  };
}
