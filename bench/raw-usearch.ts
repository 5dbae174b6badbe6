/**
 * The in-process baseline: the same vectors in a usearch HNSW index built with the same
 * parameters, searched through the JS binding without any server in between. The binding fixes
 * expansion_search per Index instance, so each ef opens its own memory-mapped `view` of the saved
 * index file (as quiver's read replica does). Concurrent clients are worker threads, each holding
 * its own view and sending single-query searches in a closed loop.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Index, MetricKind, ScalarKind } from 'usearch';
import type { Dataset } from './datasets.ts';
import type { SearchRun } from './http-client.ts';
import type { HnswParams } from './quiver-server.ts';
import type { RawWorkerCommand, RawWorkerData, RawWorkerReply } from './raw-usearch-worker.ts';
import { nowMs, summarize } from './measure.ts';

/** A built and saved baseline index. */
export interface RawIndex {
  path: string;
  dim: number;
  hnsw: HnswParams;
  build_s: number;
  file_mb: number;
  /** Growth of this process's resident set while building (the index's memory, roughly). */
  rss_delta_mb: number;
  /** Deletes the index file. */
  close(): Promise<void>;
}

function openIndex(dim: number, hnsw: HnswParams, ef: number): Index {
  return new Index({
    dimensions: dim,
    metric: MetricKind.L2sq,
    quantization: ScalarKind.F32,
    connectivity: hnsw.M,
    expansion_add: hnsw.efConstruction,
    expansion_search: ef,
    multi: false,
  });
}

/**
 * Memory-maps the saved index file at `path` for searching with expansion_search = `ef`: the
 * one way the baseline, its worker threads and the bare HTTP server open it.
 */
export function viewIndex(path: string, dim: number, hnsw: HnswParams, ef: number): Index {
  const index = openIndex(dim, hnsw, ef);
  index.view(path);
  return index;
}

/** Builds the index over all vectors (keys = row numbers) with every core, then saves it. */
export async function buildRawIndex(ds: Dataset, hnsw: HnswParams, threads = availableParallelism()): Promise<RawIndex> {
  const dim = ds.spec.dim;
  const dir = await mkdtemp(join(tmpdir(), 'quiver-bench-usearch-'));
  const path = join(dir, 'index.usearch');
  const rssBefore = process.memoryUsage().rss;
  const started = nowMs();
  const index = openIndex(dim, hnsw, 64);
  const keys = new BigUint64Array(ds.spec.rows);
  for (let i = 0; i < keys.length; i++) keys[i] = BigInt(i);
  index.add(keys, ds.vectors, threads);
  const build_s = (nowMs() - started) / 1000;
  const rss_delta_mb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  index.save(path);
  const file_mb = (await stat(path)).size / 2 ** 20;
  return { path, dim, hnsw, build_s, file_mb, rss_delta_mb, close: () => rm(dir, { recursive: true, force: true }) };
}

/** One client: sequential single-query searches over all queries (after `warmup` unmeasured ones). */
export function searchSequential(raw: RawIndex, queries: Float32Array, ef: number, k: number, warmup: number): SearchRun {
  const index = viewIndex(raw.path, raw.dim, raw.hnsw, ef);
  const nq = queries.length / raw.dim;
  const query = (q: number) => queries.subarray(q * raw.dim, (q + 1) * raw.dim);
  for (let q = 0; q < Math.min(warmup, nq); q++) index.search(query(q), k, 1);
  const latencies = new Float64Array(nq);
  const ids: number[][] = new Array(nq);
  const started = nowMs();
  for (let q = 0; q < nq; q++) {
    const t0 = nowMs();
    const res = index.search(query(q), k, 1);
    latencies[q] = nowMs() - t0;
    ids[q] = Array.from(res.keys, Number);
  }
  return { ...summarize(latencies, nowMs() - started), ids };
}

/** Worker threads emulating concurrent clients of the baseline. */
export interface RawClientPool {
  clients: number;
  /** All queries once, spread over the clients; each client opened a view with expansion_search = ef. */
  run(ef: number, k: number, warmup: number): Promise<SearchRun>;
  close(): Promise<void>;
}

/** Starts a TypeScript worker under the tsx loader (workers do not inherit --import hooks on Node 20). */
function startTsWorker(file: URL, workerData: unknown): Worker {
  const bootstrap = `import { register } from 'tsx/esm/api'; register(); await import(${JSON.stringify(file.href)});`;
  return new Worker(bootstrap, { eval: true, workerData, execArgv: [] });
}

/** Starts `clients` workers sharing the query set and result buffers. */
export function startRawClients(raw: RawIndex, queries: Float32Array, clients: number, maxK: number): RawClientPool {
  const nq = queries.length / raw.dim;
  const shared: RawWorkerData = {
    indexPath: raw.path,
    dim: raw.dim,
    hnsw: raw.hnsw,
    queries,
    counter: new SharedArrayBuffer(4),
    latencies: new SharedArrayBuffer(nq * 8),
    ids: new SharedArrayBuffer(nq * maxK * 4),
    maxK,
  };
  const workers = Array.from({ length: clients }, () => startTsWorker(new URL('./raw-usearch-worker.ts', import.meta.url), shared));
  const ask = (w: Worker, cmd: RawWorkerCommand) =>
    new Promise<RawWorkerReply>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      w.once('error', onError);
      w.once('message', (reply: RawWorkerReply) => {
        w.off('error', onError);
        if (reply.type === 'error') reject(new Error(`usearch client: ${reply.message}`));
        else resolve(reply);
      });
      w.postMessage(cmd);
    });
  return {
    clients,
    async run(ef, k, warmup) {
      await Promise.all(workers.map((w) => ask(w, { type: 'prepare', ef, warmup, k })));
      const counter = new Int32Array(shared.counter);
      const ids = new Int32Array(shared.ids).fill(-1);
      Atomics.store(counter, 0, 0);
      const started = nowMs();
      await Promise.all(workers.map((w) => ask(w, { type: 'run', k })));
      const wall = nowMs() - started;
      const byQuery = Array.from({ length: nq }, (_, q) => Array.from(ids.subarray(q * maxK, q * maxK + k)).filter((x) => x >= 0));
      return { ...summarize(new Float64Array(shared.latencies), wall), ids: byQuery };
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
