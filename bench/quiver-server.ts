/**
 * A quiver standalone server under test: started in a fresh temporary data directory (optionally
 * with a CPU profiler that can be switched on for one phase), and the waits a benchmark needs —
 * until inserted rows are searchable, until they are all in HNSW segments, and until background
 * work has finished.
 */
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { milvus, startStandaloneProcess, type StandaloneProcess } from '../test/helpers/standalone-process.ts';
import { nowMs, pollUntil, processCpuSeconds, processMemory, sleep } from './measure.ts';

/** A running server and how to dispose of it. */
export interface BenchServer {
  url: string;
  pid: number;
  process: StandaloneProcess;
  /** Present when started with a profile directory. */
  profiler: ServerProfiler | null;
  /** Stops the server (SIGTERM, SIGKILL after 15 s) and deletes its data directory. Idempotent. */
  close(): Promise<void>;
  /** The server's data directory. */
  dataDir: string;
  /**
   * Stops the server gracefully (SIGTERM, SIGKILL after 15 s) and keeps its data directory, for
   * a new server started over it (`BenchServerOptions.dataDir`), which then owns it.
   */
  stop(): Promise<void>;
  /** Kills the server (SIGKILL: no shutdown code runs) and keeps its data directory, as stop(). */
  kill(): Promise<void>;
}

/** How to start a bench server. */
export interface BenchServerOptions {
  /** Start over this existing data directory (taking it over: close() deletes it) instead of a fresh one. */
  dataDir?: string;
  /** Extra environment of the server process (QUIVER_* settings). */
  env?: Record<string, string>;
}

/** Profiles the server's main thread between start() and stop(). */
export interface ServerProfiler {
  start(): void;
  /** Stops profiling; resolves with the path of the .cpuprofile written. */
  stop(): Promise<string>;
}

function profilerFor(pid: number, dir: string): ServerProfiler {
  const toggle = () => process.kill(pid, 'SIGUSR2');
  return {
    start: toggle,
    async stop() {
      const before = new Set(await readdir(dir));
      toggle();
      const file = await pollUntil(async () => (await readdir(dir)).find((f) => f.endsWith('.cpuprofile') && !before.has(f)) ?? null, 100, 60_000);
      if (!file) throw new Error(`the server wrote no CPU profile into ${dir}`);
      return join(dir, file);
    },
  };
}

/**
 * Starts a server on a free port, in a fresh data directory or over `options.dataDir`. With
 * `profileDir`, a preloaded profiler (server-profiler.mjs) lets `profiler` record the main
 * thread's CPU profile of one phase into that directory.
 */
export async function startBenchServer(profileDirectory?: string, options: BenchServerOptions = {}): Promise<BenchServer> {
  const profileDir = profileDirectory === undefined ? undefined : resolve(profileDirectory);
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'quiver-bench-')));
  const env: Record<string, string> = { ...options.env };
  if (profileDir) {
    await mkdir(profileDir, { recursive: true });
    const preload = pathToFileURL(join(import.meta.dirname, 'server-profiler.mjs')).href;
    env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import ${preload}`.trim();
    env.QUIVER_BENCH_PROFILE_DIR = profileDir;
  }
  let proc: StandaloneProcess;
  try {
    proc = await startStandaloneProcess(dataDir, env);
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  // If this process exits without closing (an uncaught error, a signal turned into exit), take
  // the server and its data with it.
  const onExit = () => {
    proc.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  /** Ends the process `how` (SIGKILL if it takes over 15 s); the exit hook no longer applies. */
  const release = (how: () => Promise<void>) => async () => {
    process.off('exit', onExit);
    const killer = setTimeout(() => void proc.kill(), 15_000);
    try {
      await how();
    } finally {
      clearTimeout(killer);
    }
  };
  const stop = release(() => proc.stop());
  let closing: Promise<void> | null = null;
  const close = () => (closing ??= stop().finally(() => rm(dataDir, { recursive: true, force: true })));
  const pid = proc.child.pid!;
  return {
    url: proc.url, pid, process: proc, profiler: profileDir ? profilerFor(pid, profileDir) : null, close, dataDir,
    stop, kill: release(() => proc.kill()),
  };
}

/** Calls a control endpoint and throws on a non-zero code. */
export async function control(url: string, path: string, body: unknown): Promise<unknown> {
  const res = await milvus(url, path, body, { 'Accept-Type-Allow-Int64': 'true' });
  if (res?.code !== 0) throw new Error(`${path} failed: ${JSON.stringify(res)}`);
  return res.data;
}

/** HNSW build parameters, shared by the server collection and the in-process baseline. */
export interface HnswParams {
  M: number;
  efConstruction: number;
}

/** Creates `name` with an Int64 primary key `id` and a FloatVector `vector` indexed HNSW/L2, in `shards` shards. */
export async function createVectorCollection(url: string, name: string, dim: number, hnsw: HnswParams, shards = 1): Promise<void> {
  await control(url, 'collections/create', {
    collectionName: name,
    schema: {
      autoID: false,
      enableDynamicField: false,
      fields: [
        { fieldName: 'id', dataType: 'Int64', isPrimary: true },
        { fieldName: 'vector', dataType: 'FloatVector', elementTypeParams: { dim } },
      ],
    },
    indexParams: [
      { fieldName: 'vector', indexName: 'vector', metricType: 'L2', indexType: 'HNSW', params: { M: hnsw.M, efConstruction: hnsw.efConstruction } },
    ],
    params: { shardsNum: shards },
  });
}

/** count(*) of the collection through `url` at consistency `level` (Eventually: published rows only). */
export async function countRows(url: string, name: string, level: 'Strong' | 'Eventually'): Promise<number> {
  const data = (await control(url, 'entities/query', {
    collectionName: name, filter: '', outputFields: ['count(*)'], consistencyLevel: level,
  })) as Record<string, number>[];
  return Number(data[0]?.['count(*)'] ?? 0);
}

/** Seconds from `sinceMs` (monotonic) until a Strong count(*) through `url` sees `rows` rows, or null after `timeoutMs`. */
export async function waitSearchable(url: string, name: string, rows: number, sinceMs: number, timeoutMs: number): Promise<number | null> {
  const seen = await pollUntil(async () => ((await countRows(url, name, 'Strong')) >= rows ? true : null), 20, timeoutMs);
  return seen ? (nowMs() - sinceMs) / 1000 : null;
}

/** Index build progress as indexes/describe reports it. */
interface IndexProgress {
  indexedRows: number;
  pendingRows: number;
}

async function describeProgress(url: string, name: string): Promise<IndexProgress | null> {
  const res = await milvus(url, 'indexes/describe', { collectionName: name, indexName: 'vector' }).catch(() => null);
  const d = res?.code === 0 ? (res.data as Record<string, unknown>[])[0] : undefined;
  if (!d) return null;
  const pending = d.pendingRows === undefined && d.indexState === 'Finished' ? 0 : Number(d.pendingRows);
  return { indexedRows: Number(d.indexedRows ?? d.totalRows), pendingRows: pending };
}

const fullyIndexed = (p: IndexProgress | null, rows: number) => p !== null && p.pendingRows === 0 && p.indexedRows >= rows;

/** How indexing went after the last insert; every time is in seconds from the last acknowledgement. */
export interface IndexingOutcome {
  /** When background work alone had every row indexed (indexes/describe); null if it left rows pending. */
  background_s: number | null;
  /** When background work settled: the process idle and the reported progress unchanged. */
  settled_s: number;
  /** Rows indexes/describe still reported pending (in flat segments) when background work settled. */
  pending_after_background: number | null;
  /** Duration of the explicit full compaction that follows (request → completed, nothing pending). */
  compact_s: number | null;
  /** When every row was indexed by either means; null if never within the timeout. */
  indexed_s: number | null;
}

/**
 * Follows indexing after the last insert (acknowledged at monotonic `sinceMs`): polls
 * indexes/describe until background merges and builds settle, then requests a full compaction
 * (collections/compact) so the data ends in its final shape, and waits until it completed and
 * indexes/describe reports every row indexed. Works without indexes/describe too (then only the
 * compaction state is followed).
 */
export async function waitIndexed(url: string, name: string, rows: number, pid: number, sinceMs: number, timeoutMs: number): Promise<IndexingOutcome> {
  const deadline = sinceMs + timeoutMs;
  const since = () => (nowMs() - sinceMs) / 1000;
  let background_s: number | null = null;
  let progress = await describeProgress(url, name);
  let last = JSON.stringify(progress);
  let stableSince = nowMs();
  let cpuBefore = await processCpuSeconds(pid);
  let cpuAt = nowMs();
  let idle = false;
  while (nowMs() < deadline) {
    if (background_s === null && fullyIndexed(progress, rows)) background_s = since();
    if (nowMs() - cpuAt >= 1000) {
      const cpu = await processCpuSeconds(pid);
      idle = cpu === null || cpuBefore === null || (cpu - cpuBefore) / ((nowMs() - cpuAt) / 1000) < 0.15;
      cpuBefore = cpu;
      cpuAt = nowMs();
    }
    if (idle && nowMs() - stableSince >= 2000) break;
    await sleep(100);
    progress = await describeProgress(url, name);
    const key = JSON.stringify(progress);
    if (key !== last) {
      last = key;
      stableSince = nowMs();
      idle = false;
    }
  }
  const settled_s = since();
  const pending_after_background = progress?.pendingRows ?? null;
  const compactStarted = nowMs();
  const job = (await control(url, 'collections/compact', { collectionName: name })) as { compactionID?: number };
  const done = await pollUntil(async () => {
    const state = (await control(url, 'collections/get_compaction_state', { collectionName: name, jobID: job.compactionID })) as { state?: string };
    if (state.state !== 'Completed') return null;
    const p = await describeProgress(url, name);
    return p === null || fullyIndexed(p, rows) ? true : null;
  }, 100, Math.max(0, deadline - nowMs()));
  const compact_s = done ? (nowMs() - compactStarted) / 1000 : null;
  return { background_s, settled_s, pending_after_background, compact_s, indexed_s: background_s ?? (done ? since() : null) };
}

/**
 * Waits until the process uses less than `maxCores` of CPU over a `windowMs` window (background
 * merges and index builds finished), or `timeoutMs` passes; returns the seconds waited.
 */
export async function waitIdle(pid: number, maxCores = 0.1, windowMs = 1000, timeoutMs = 120_000): Promise<number> {
  const started = nowMs();
  let before = await processCpuSeconds(pid);
  if (before === null) return 0;
  while (nowMs() - started < timeoutMs) {
    await sleep(windowMs);
    const after = await processCpuSeconds(pid);
    if (after === null) break;
    const used = (after - before) / (windowMs / 1000);
    before = after;
    if (used < maxCores) break;
  }
  return (nowMs() - started) / 1000;
}

/**
 * Waits until the resident set of `pid` stops shrinking (two readings `stepMs` apart that differ
 * by less than 2 MiB), at most `timeoutMs`; returns the seconds waited. An idle server hands dead
 * buffers back a few seconds after its background work ends (its memory reclaimer), so memory
 * read straight after `waitIdle` would count garbage that is about to go.
 */
export async function waitRssSettled(pid: number, stepMs = 2000, timeoutMs = 30_000): Promise<number> {
  const started = nowMs();
  let before = (await processMemory(pid))?.rss_mb;
  let still = 0;
  while (before !== undefined && nowMs() - started < timeoutMs && still < 2) {
    await sleep(stepMs);
    const now = (await processMemory(pid))?.rss_mb;
    if (now === undefined) break;
    still = before - now < 2 ? still + 1 : 0;
    before = now;
  }
  return (nowMs() - started) / 1000;
}
