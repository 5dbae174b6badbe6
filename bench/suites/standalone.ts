/**
 * Suite `standalone`: quiver's standalone server over its REST API against the same HNSW built
 * in-process with usearch, on the same clustered vectors and the same build parameters. Measures
 * ingest (insert throughput, time until searchable, time until fully indexed), then search QPS,
 * latency and recall@10 for an ef sweep with 1 and 8 concurrent clients.
 */
import { join } from 'node:path';
import { generateDataset, vectorAt, type Dataset } from '../datasets.ts';
import { groundTruth, recallAtK, type GroundTruth } from '../ground-truth.ts';
import { runInserts, runSearchLoad, type InsertRun, type SearchRun } from '../http-client.ts';
import { REPO_ROOT, processMemory, runEnvironment, type ProcessMemory } from '../machine.ts';
import {
  createVectorCollection, startBenchServer, waitIdle, waitIndexed, waitSearchable, type HnswParams, type IndexedBy,
} from '../quiver-server.ts';
import { buildRawIndex, searchSequential, startRawClients, type RawIndex } from '../raw-usearch.ts';
import { monotonicMicros, nowMs } from '../stats.ts';
import type { SuiteOptions, SuiteResult } from '../types.ts';
import { buildStandaloneResult } from './standalone-report.ts';

/** Resolved parameters of one run. */
export interface StandaloneParams {
  quick: boolean;
  rows: number;
  dim: number;
  queries: number;
  clusters: number;
  seed: number;
  k: number;
  hnsw: HnswParams;
  efs: number[];
  clients: number[];
  batch: number;
  insertConcurrency: number;
  warmup: number;
  timeoutMs: number;
}

/** Defaults, overridden by the options. */
export function standaloneParams(o: SuiteOptions): StandaloneParams {
  const quick = o.quick ?? false;
  const queries = o.queries ?? (quick ? 100 : 1000);
  return {
    quick,
    rows: o.rows ?? (quick ? 5000 : 100_000),
    dim: o.dim ?? 128,
    queries,
    clusters: 100,
    seed: 20_240_917,
    k: 10,
    hnsw: { M: 16, efConstruction: 128 },
    efs: quick ? [16, 64, 256] : [16, 32, 64, 128, 256],
    clients: [1, 8],
    batch: 1000,
    insertConcurrency: 2,
    warmup: Math.min(quick ? 20 : 100, queries),
    timeoutMs: quick ? 180_000 : 1_800_000,
  };
}

/** One search configuration's outcome. */
export interface SearchPoint {
  ef: number;
  clients: number;
  recall: number;
  run: SearchRun;
}

/** What the server-side phase measured. */
export interface QuiverMeasurements {
  insert: InsertRun;
  searchable_s: number | null;
  indexed: { seconds: number; by: IndexedBy } | null;
  settle_s: number;
  memory: ProcessMemory | null;
  points: SearchPoint[];
  /** Monotonic window of the search phase, for the CPU profile. */
  searchWindow: { startUs: number; endUs: number };
}

/** What the in-process phase measured. */
export interface RawMeasurements {
  index: Omit<RawIndex, 'close'>;
  points: SearchPoint[];
}

function insertBodies(ds: Dataset, collection: string, batch: number): { bodies: string[]; counts: number[] } {
  const bodies: string[] = [];
  const counts: number[] = [];
  for (let start = 0; start < ds.spec.rows; start += batch) {
    const end = Math.min(ds.spec.rows, start + batch);
    const data = [];
    for (let id = start; id < end; id++) data.push({ id, vector: Array.from(vectorAt(ds.vectors, ds.spec.dim, id)) });
    bodies.push(JSON.stringify({ collectionName: collection, data }));
    counts.push(end - start);
  }
  return { bodies, counts };
}

function searchBodies(ds: Dataset, collection: string, k: number, ef: number): string[] {
  const nq = ds.queries.length / ds.spec.dim;
  return Array.from({ length: nq }, (_, q) =>
    JSON.stringify({
      collectionName: collection,
      data: [Array.from(vectorAt(ds.queries, ds.spec.dim, q))],
      annsField: 'vector',
      limit: k,
      searchParams: { metricType: 'L2', params: { ef } },
      consistencyLevel: 'Eventually',
    }),
  );
}

const fmt = (r: SearchRun, recall: number) =>
  `recall@10 ${recall.toFixed(4)}  ${r.qps.toFixed(0)} QPS  p50 ${r.p50_ms.toFixed(2)} ms  p99 ${r.p99_ms.toFixed(2)} ms`;

async function measureQuiver(ds: Dataset, gt: GroundTruth, p: StandaloneParams, log: (s: string) => void, profileDir?: string): Promise<QuiverMeasurements> {
  const name = 'bench_vectors';
  log(`quiver: starting standalone server${profileDir ? ' (CPU profiler on)' : ''}`);
  const server = await startBenchServer(profileDir);
  try {
    log(`quiver: server at ${server.url} (pid ${server.pid}); creating collection`);
    await createVectorCollection(server.url, name, p.dim, p.hnsw);
    const { bodies, counts } = insertBodies(ds, name, p.batch);
    log(`quiver: inserting ${p.rows} rows in ${bodies.length} batches of ${p.batch}, ${p.insertConcurrency} in flight`);
    const step = Math.max(1, Math.floor(bodies.length / 10));
    const insert = await runInserts(server.url, bodies, counts, p.insertConcurrency, (done, total) => {
      if (done % step === 0 || done === total) log(`quiver:   ${done}/${total} batches acknowledged`);
    });
    log(`quiver: inserted in ${insert.seconds.toFixed(2)} s: ${insert.rows_per_s.toFixed(0)} rows/s, ${insert.mb_per_s.toFixed(1)} MB/s of JSON`);
    const searchable_s = await waitSearchable(server.url, name, p.rows, insert.lastAckMs, p.timeoutMs);
    log(`quiver: all rows searchable ${searchable_s === null ? 'NOT within the timeout' : `${searchable_s.toFixed(2)} s after the last ack`}`);
    const indexed = await waitIndexed(server.url, name, p.rows, insert.lastAckMs, p.timeoutMs);
    log(`quiver: fully indexed ${indexed === null ? 'NOT within the timeout' : `${indexed.seconds.toFixed(2)} s after the last ack (${indexed.by})`}`);
    const settle_s = await waitIdle(server.pid);
    const memory = await processMemory(server.pid);
    log(`quiver: server idle after ${settle_s.toFixed(1)} s more; RSS ${memory?.rss_mb ?? '?'} MiB (peak ${memory?.peak_rss_mb ?? '?'} MiB)`);
    const points: SearchPoint[] = [];
    const startUs = monotonicMicros();
    for (const ef of p.efs) {
      const all = searchBodies(ds, name, p.k, ef);
      for (const clients of p.clients) {
        await runSearchLoad(server.url, all.slice(0, p.warmup), clients);
        const run = await runSearchLoad(server.url, all, clients);
        const recall = recallAtK(gt, (q) => run.ids[q]);
        points.push({ ef, clients, recall, run });
        log(`quiver: ef=${ef} clients=${clients}: ${fmt(run, recall)}`);
      }
    }
    const endUs = monotonicMicros();
    return { insert, searchable_s, indexed, settle_s, memory, points, searchWindow: { startUs, endUs } };
  } finally {
    await server.close();
    log('quiver: server stopped');
  }
}

async function measureRaw(ds: Dataset, gt: GroundTruth, p: StandaloneParams, log: (s: string) => void): Promise<RawMeasurements> {
  log(`usearch: building HNSW (M=${p.hnsw.M}, efConstruction=${p.hnsw.efConstruction}) over ${p.rows} vectors in-process`);
  const raw = await buildRawIndex(ds, p.hnsw);
  log(`usearch: built in ${raw.build_s.toFixed(2)} s; file ${raw.file_mb.toFixed(1)} MiB`);
  const multi = p.clients.filter((c) => c > 1);
  const pools = multi.map((c) => startRawClients(raw, ds.queries, c, p.k));
  try {
    const points: SearchPoint[] = [];
    for (const ef of p.efs) {
      for (const clients of p.clients) {
        const run = clients === 1
          ? searchSequential(raw, ds.queries, ef, p.k, p.warmup)
          : await pools[multi.indexOf(clients)].run(ef, p.k, p.warmup);
        const recall = recallAtK(gt, (q) => run.ids[q]);
        points.push({ ef, clients, recall, run });
        log(`usearch: ef=${ef} clients=${clients}: ${fmt(run, recall)}`);
      }
    }
    const { close: _close, ...index } = raw;
    return { index, points };
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
    await raw.close();
  }
}

/** Runs the suite end to end; the server is always stopped and temporary files removed. */
export async function runStandaloneSuite(o: SuiteOptions): Promise<SuiteResult> {
  const log = o.log ?? ((s: string) => console.log(s));
  const p = standaloneParams(o);
  const env = await runEnvironment();
  log(`standalone: ${p.rows} rows × ${p.dim}-d, ${p.queries} queries, ef ${p.efs.join('/')}, clients ${p.clients.join('/')}${p.quick ? ' (quick)' : ''}`);
  const t0 = nowMs();
  const ds = generateDataset({ rows: p.rows, queries: p.queries, dim: p.dim, clusters: p.clusters, seed: p.seed });
  log(`dataset ${ds.name}: generated in ${((nowMs() - t0) / 1000).toFixed(1)} s`);
  const gt = await groundTruth(ds, p.k, join(REPO_ROOT, 'bench', '.cache'));
  log(`ground truth: ${gt.cached ? 'from cache' : `computed in ${gt.seconds.toFixed(1)} s`}`);
  const quiver = await measureQuiver(ds, gt, p, log, o.profileDir);
  const raw = await measureRaw(ds, gt, p, log);
  return buildStandaloneResult({ env, dataset: ds.name, params: p, quiver, raw, profileDir: o.profileDir });
}
