/**
 * A quiver standalone server under test: started in a fresh temporary data directory (optionally
 * with V8's CPU profiler on), and the waits a benchmark needs — until inserted rows are
 * searchable, until they are all in HNSW segments, and until background work has finished.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { milvus, startStandaloneProcess, type StandaloneProcess } from '../test/helpers/standalone-process.ts';
import { processCpuSeconds } from './machine.ts';
import { nowMs, pollUntil, sleep } from './stats.ts';

/** A running server and how to dispose of it. */
export interface BenchServer {
  url: string;
  pid: number;
  process: StandaloneProcess;
  /** Stops the server (SIGTERM, SIGKILL after 15 s) and deletes its data directory. Idempotent. */
  close(): Promise<void>;
}

/** Starts a server on a free port; with `profileDir`, every thread writes a .cpuprofile there on exit. */
export async function startBenchServer(profileDir?: string): Promise<BenchServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'quiver-bench-'));
  const env: Record<string, string> = profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {};
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
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      process.off('exit', onExit);
      const killer = setTimeout(() => void proc.kill(), 15_000);
      try {
        await proc.stop();
      } finally {
        clearTimeout(killer);
        await rm(dataDir, { recursive: true, force: true });
      }
    })());
  return { url: proc.url, pid: proc.child.pid!, process: proc, close };
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

/** Creates `name` with an Int64 primary key `id` and a FloatVector `vector` indexed HNSW/L2, one shard. */
export async function createVectorCollection(url: string, name: string, dim: number, hnsw: HnswParams): Promise<void> {
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
    params: { shardsNum: 1 },
  });
}

/** Seconds from `sinceMs` (monotonic) until a Strong count(*) sees `rows` rows, or null after `timeoutMs`. */
export async function waitSearchable(url: string, name: string, rows: number, sinceMs: number, timeoutMs: number): Promise<number | null> {
  const seen = await pollUntil(async () => {
    const data = (await control(url, 'entities/query', {
      collectionName: name, filter: '', outputFields: ['count(*)'], consistencyLevel: 'Strong',
    })) as Record<string, number>[];
    return Number(data[0]?.['count(*)']) >= rows ? true : null;
  }, 20, timeoutMs);
  return seen ? (nowMs() - sinceMs) / 1000 : null;
}

/** How full indexing was detected. */
export type IndexedBy = 'indexes/describe' | 'collections/compact';

/**
 * Seconds from `sinceMs` (monotonic) until every row is in an HNSW segment: indexes/describe
 * reports all `rows` indexed and none pending. When that endpoint is unavailable, requests a full
 * compaction and waits for it to complete instead. Null after `timeoutMs`.
 */
export async function waitIndexed(
  url: string,
  name: string,
  rows: number,
  sinceMs: number,
  timeoutMs: number,
): Promise<{ seconds: number; by: IndexedBy } | null> {
  const probe = await milvus(url, 'indexes/describe', { collectionName: name, indexName: 'vector' }).catch(() => null);
  if (probe?.code === 0) {
    const done = await pollUntil(async () => {
      const d = ((await control(url, 'indexes/describe', { collectionName: name, indexName: 'vector' })) as Record<string, unknown>[])[0];
      const finished = Number(d.pendingRows) === 0 || d.indexState === 'Finished';
      return finished && Number(d.indexedRows ?? d.totalRows) >= rows ? true : null;
    }, 100, timeoutMs);
    return done ? { seconds: (nowMs() - sinceMs) / 1000, by: 'indexes/describe' } : null;
  }
  const job = (await control(url, 'collections/compact', { collectionName: name })) as { compactionID?: number };
  const done = await pollUntil(async () => {
    const s = (await control(url, 'collections/get_compaction_state', { collectionName: name, jobID: job.compactionID })) as { state?: string };
    return s.state === 'Completed' ? true : null;
  }, 200, timeoutMs);
  return done ? { seconds: (nowMs() - sinceMs) / 1000, by: 'collections/compact' } : null;
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
