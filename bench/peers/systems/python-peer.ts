/**
 * A peer database reached through python/driver.py: one driver process per dataset (so memory is
 * measured from a fresh baseline), JSON lines over its stdin/stdout, one request at a time. The
 * driver times the searches itself, in the peer's own process, with Python threads as clients,
 * and the insert-to-visible latencies with a prober thread. Cold start spawns a new driver over
 * the store the load left on disk.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { nowMs, sleep, summarize } from '../../measure.ts';
import type { PeerDataset } from '../data/dataset.ts';
import { summarizeFreshness, type FreshnessSample } from '../freshness.ts';
import type { FilterSpec, PeersParams } from '../params.ts';
import { treeRssMb } from '../process-tree.ts';
import type { BenchSystem, LoadOutcome, SearchLimits, SearchOutcome } from './system.ts';

/** Peers the driver knows. */
export type PythonPeerName = 'faiss' | 'chroma' | 'lancedb' | 'milvus-lite';

type Reply = Record<string, unknown> & { ok: boolean; error?: string };

const DRIVER = join(import.meta.dirname, '..', 'python', 'driver.py');

/** How each peer's marker rows are read in the insert-to-visible measure. */
const PROBES: Record<Exclude<PythonPeerName, 'faiss'>, string> = {
  chroma: 'collection.get(ids=[...]) in a prober thread of the peer\'s process',
  lancedb: 'table.search().where("id IN (...)") in a prober thread of the peer\'s process',
  'milvus-lite': 'MilvusClient.get(ids=[...]) with the collection\'s default consistency, in a prober thread',
};

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
  let loaded: PeerDataset | null = null;
  /** Rows inserted after the load (ids from the dataset's row count on). */
  let extraRows = 0;
  const unload = async () => {
    await current?.stop();
    current = null;
    if (workdir) await rm(workdir, { recursive: true, force: true });
    workdir = null;
    loaded = null;
    extraRows = 0;
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
      loaded = data;
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
    async freshness(plan) {
      if (peer === 'faiss') return { notApplicable: 'an in-process library: add() returns once the rows are in the graph, so they are visible at once' };
      if (!current || !loaded) throw new Error('no dataset loaded');
      const rows = loaded.ds.spec.rows;
      const reply = await current.request({
        cmd: 'freshness', base: loaded.files.base, tags: loaded.files.tags, rows, dim, first_id: rows + extraRows,
        batch: plan.batchRows, rate: plan.rowsPerSecond, duration_s: plan.durationSeconds, timeout_s: plan.timeoutSeconds, poll_ms: plan.pollMs,
      }, (plan.durationSeconds * 4 + plan.timeoutSeconds + 120) * 1000);
      const sample: FreshnessSample = {
        latenciesMs: reply.latencies_ms as number[], neverVisible: Number(reply.never_visible), rowsInserted: Number(reply.rows_inserted),
        ingestMs: Number(reply.ingest_ms), probeMs: reply.probe_ms as number[],
      };
      extraRows += sample.rowsInserted;
      return summarizeFreshness(sample, plan, PROBES[peer]);
    },
    async coldStart(knob, k) {
      if (!current || !loaded || !workdir) throw new Error('no dataset loaded');
      await current.request({ cmd: 'persist', workdir }, 600_000);
      await current.stop();
      current = null;
      const started = nowMs();
      current = (await Driver.start(python, peer)).driver;
      const readySeconds = (nowMs() - started) / 1000;
      const reply = await current.request({ cmd: 'open', workdir, dim, metric: loaded.metric, queries: queriesFile, k, knob }, 600_000);
      const seconds = (nowMs() - started) / 1000;
      const hits = (reply.ids as number[]).length;
      if (hits < k) throw new Error(`the reopened store answered ${hits} hits, expected ${k}`);
      const includes = peer === 'faiss'
        ? 'spawn of a Python process (interpreter start, import of faiss), read_index of the index file written after the searches (faiss keeps no store), one query'
        : `spawn of a Python process (interpreter start, import of the client library), opening the store the load persisted, one query`;
      return { seconds, readySeconds, rows: loaded.ds.spec.rows + extraRows, includes };
    },
    async recovery() {
      return { notApplicable: 'no separately restartable indexer behind a log: the peer applies a write in the call that makes it' };
    },
    unload,
    close: unload,
  };
}
