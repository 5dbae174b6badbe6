/**
 * Worker thread of the in-process usearch baseline: one emulated client. It memory-maps the saved
 * index (`view`) with the requested expansion_search, then answers single-query searches in a
 * closed loop, taking query numbers from a shared counter and writing latencies and ids into
 * shared arrays, until every query was taken.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Index } from 'usearch';
import type { HnswParams } from './quiver-server.ts';
import { viewIndex } from './raw-usearch.ts';

/** Data every worker receives at start. */
export interface RawWorkerData {
  indexPath: string;
  dim: number;
  hnsw: HnswParams;
  /** queries × dim. */
  queries: Float32Array;
  /** Int32Array(1): next query number. */
  counter: SharedArrayBuffer;
  /** Float64Array(queries): latency in ms of each query. */
  latencies: SharedArrayBuffer;
  /** Int32Array(queries × maxK): ids per query, -1 padded. */
  ids: SharedArrayBuffer;
  maxK: number;
}

/** Messages from the pool to a worker. */
export type RawWorkerCommand = { type: 'prepare'; ef: number; warmup: number; k: number } | { type: 'run'; k: number } | { type: 'exit' };

/** Messages from a worker to the pool. */
export type RawWorkerReply = { type: 'ready' } | { type: 'done'; searched: number } | { type: 'error'; message: string };

/** Answers the pool's commands on `port` until told to exit. */
function serve(data: RawWorkerData, port: MessagePort): void {
  const counter = new Int32Array(data.counter);
  const latencies = new Float64Array(data.latencies);
  const ids = new Int32Array(data.ids);
  const nq = data.queries.length / data.dim;
  const query = (q: number) => data.queries.subarray(q * data.dim, (q + 1) * data.dim);
  let index: Index | null = null;
  port.on('message', (cmd: RawWorkerCommand) => {
    try {
      if (cmd.type === 'exit') {
        port.close();
        return;
      }
      if (cmd.type === 'prepare') {
        index = viewIndex(data.indexPath, data.dim, data.hnsw, cmd.ef);
        for (let q = 0; q < Math.min(cmd.warmup, nq); q++) index.search(query(q), cmd.k, 1);
        port.postMessage({ type: 'ready' } satisfies RawWorkerReply);
        return;
      }
      if (!index) throw new Error('run before prepare');
      let searched = 0;
      for (;;) {
        const q = Atomics.add(counter, 0, 1);
        if (q >= nq) break;
        const t0 = performance.now();
        const res = index.search(query(q), cmd.k, 1);
        latencies[q] = performance.now() - t0;
        for (let i = 0; i < res.keys.length && i < data.maxK; i++) ids[q * data.maxK + i] = Number(res.keys[i]);
        searched++;
      }
      port.postMessage({ type: 'done', searched } satisfies RawWorkerReply);
    } catch (err) {
      port.postMessage({ type: 'error', message: (err as Error).message } satisfies RawWorkerReply);
    }
  });
}

if (parentPort) serve(workerData as RawWorkerData, parentPort);
