/**
 * Suite `standalone`: quiver's standalone server over its REST API against the same HNSW built
 * in-process with usearch, on the same clustered vectors and the same build parameters. Measures
 * loading (insert throughput, time until searchable, time until fully indexed, build time,
 * memory), then search QPS, latency and recall@10 for an ef sweep with 1 and 8 concurrent clients.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { generateDataset, vectorAt, type Dataset } from '../datasets.ts';
import { groundTruth } from '../ground-truth.ts';
import { runInserts, runRoundTrips, type InsertRun } from '../http-client.ts';
import { REPO_ROOT, nowMs, processMemory, runEnvironment, type LatencySummary, type ProcessMemory } from '../measure.ts';
import {
  createVectorCollection, startBenchServer, waitIdle, waitIndexed, waitRssSettled, waitSearchable,
  type BenchServer, type HnswParams, type IndexingOutcome,
} from '../quiver-server.ts';
import { buildRawIndex, type RawIndex } from '../raw-usearch.ts';
import type { SuiteOptions, SuiteResult } from '../run-suite.ts';
import { float32Base64, type VectorEncoding } from '../../src/cli/vector-encoding.ts';
import { buildStandaloneResult } from './standalone-report.ts';
import { searchAll, type SearchPoint } from './standalone-search.ts';

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
  /** Timed runs per setting; the one with the median QPS is reported (damps interference). */
  repeats: number;
  timeoutMs: number;
  idleTimeoutMs: number;
}

/**
 * Dataset and index defaults the standalone and cluster suites share, overridden by the
 * options: `fullRows` stored vectors (5,000 in quick runs), 128-d, 1,000 queries (100 quick),
 * a 100-cluster mixture, k = 10, HNSW M=16/efConstruction=128.
 */
export function datasetDefaults(o: SuiteOptions, fullRows: number) {
  const quick = o.quick ?? false;
  return {
    quick,
    rows: o.rows ?? (quick ? 5000 : fullRows),
    dim: o.dim ?? 128,
    queries: o.queries ?? (quick ? 100 : 1000),
    clusters: 100,
    seed: 20_240_917,
    k: 10,
    hnsw: { M: 16, efConstruction: 128 },
  };
}

/** Defaults, overridden by the options. */
export function standaloneParams(o: SuiteOptions): StandaloneParams {
  const base = datasetDefaults(o, 100_000);
  const { quick, queries } = base;
  return {
    ...base,
    efs: quick ? [16, 64, 256] : [16, 32, 64, 128, 256],
    clients: [1, 8],
    batch: 1000,
    insertConcurrency: 2,
    warmup: Math.min(quick ? 20 : 100, queries),
    repeats: quick ? 1 : 3,
    timeoutMs: quick ? 90_000 : 1_800_000,
    idleTimeoutMs: quick ? 30_000 : 120_000,
  };
}

/** What loading the server measured. */
export interface QuiverLoad {
  insert: InsertRun;
  /** Sequential collections/has requests: the fixed cost of one request. */
  roundTrip: LatencySummary;
  searchable_s: number | null;
  indexing: IndexingOutcome;
  settle_s: number;
  memory: ProcessMemory | null;
}

/** What the server-side phases measured. */
export interface QuiverMeasurements extends QuiverLoad {
  points: SearchPoint[];
  /** CPU profile of the server's main thread during the search phase, when profiled. */
  profileFile: string | null;
}

/** What the in-process phase measured. */
export interface RawMeasurements {
  index: Omit<RawIndex, 'close'>;
  points: SearchPoint[];
}

/** Name of the benchmark collection. */
const COLLECTION = 'bench_vectors';

/**
 * Insert request bodies of the dataset's rows (primary key = row number), `batch` rows each,
 * vectors as arrays of numbers or (quiver's extension) base64 of little-endian float32.
 */
export function insertBodies(ds: Dataset, collection: string, batch: number, encoding: VectorEncoding = 'numbers'): { bodies: string[]; counts: number[] } {
  const bodies: string[] = [];
  const counts: number[] = [];
  const dim = ds.spec.dim;
  const vector = encoding === 'numbers'
    ? (id: number) => Array.from(vectorAt(ds.vectors, dim, id))
    : (id: number) => float32Base64(vectorAt(ds.vectors, dim, id));
  for (let start = 0; start < ds.spec.rows; start += batch) {
    const end = Math.min(ds.spec.rows, start + batch);
    const data = [];
    for (let id = start; id < end; id++) data.push({ id, vector: vector(id) });
    bodies.push(JSON.stringify({ collectionName: collection, data }));
    counts.push(end - start);
  }
  return { bodies, counts };
}

/** An error from the server phase, with the server's exit status and last log lines when it died. */
function serverFailure(err: unknown, server: BenchServer): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  const cause = e.cause instanceof Error ? ` (${e.cause.message})` : '';
  const child = server.process.child;
  const exited = child.exitCode !== null || child.signalCode !== null;
  if (!exited && !cause) return e;
  const status = exited ? `server exited (code ${child.exitCode}, signal ${child.signalCode})` : 'server still running';
  const logs = server.process.logs().trim().split('\n').slice(-15).join('\n');
  return new Error(`${e.message}${cause}; ${status}; last server log lines:\n${logs}`, { cause: e });
}

async function loadQuiver(server: BenchServer, ds: Dataset, p: StandaloneParams, log: (s: string) => void): Promise<QuiverLoad> {
  log(`quiver: server at ${server.url} (pid ${server.pid}); creating collection`);
  await createVectorCollection(server.url, COLLECTION, p.dim, p.hnsw);
  const { bodies, counts } = insertBodies(ds, COLLECTION, p.batch);
  log(`quiver: inserting ${p.rows} rows in ${bodies.length} batches of ${p.batch}, ${p.insertConcurrency} in flight`);
  const step = Math.max(1, Math.floor(bodies.length / 10));
  const insert = await runInserts(server.url, bodies, counts, p.insertConcurrency, (done, total) => {
    if (done % step === 0 || done === total) log(`quiver:   ${done}/${total} batches acknowledged`);
  });
  log(`quiver: inserted in ${insert.seconds.toFixed(2)} s: ${insert.rows_per_s.toFixed(0)} rows/s, ${insert.mb_per_s.toFixed(1)} MB/s of JSON`);
  const searchable_s = await waitSearchable(server.url, COLLECTION, p.rows, insert.lastAckMs, p.timeoutMs);
  log(`quiver: all rows searchable ${searchable_s === null ? 'NOT within the timeout' : `${searchable_s.toFixed(2)} s after the last ack`}`);
  const indexing = await waitIndexed(server.url, COLLECTION, p.rows, server.pid, insert.lastAckMs, p.timeoutMs);
  const secs = (x: number | null) => (x === null ? 'never' : `${x.toFixed(2)} s`);
  log(`quiver: background indexing settled at ${secs(indexing.settled_s)} with ${indexing.pending_after_background ?? '?'} rows pending ` +
    `(all indexed by background work: ${secs(indexing.background_s)}); full compaction took ${secs(indexing.compact_s)}`);
  log(`quiver: fully indexed ${indexing.indexed_s === null ? 'NOT within the timeout' : `${secs(indexing.indexed_s)} after the last ack`}`);
  const settle_s = (await waitIdle(server.pid, 0.1, 1000, p.idleTimeoutMs)) + (await waitRssSettled(server.pid));
  const memory = await processMemory(server.pid);
  log(`quiver: server idle after ${settle_s.toFixed(1)} s more; RSS ${memory?.rss_mb ?? '?'} MiB (peak ${memory?.peak_rss_mb ?? '?'} MiB)`);
  const has = JSON.stringify({ collectionName: COLLECTION });
  await runRoundTrips(server.url, 'collections/has', has, p.warmup);
  const roundTrip = await runRoundTrips(server.url, 'collections/has', has, p.queries);
  log(`quiver: trivial request (collections/has) round trip: p50 ${roundTrip.p50_ms.toFixed(3)} ms, p99 ${roundTrip.p99_ms.toFixed(3)} ms`);
  return { insert, roundTrip, searchable_s, indexing, settle_s, memory };
}

/**
 * Runs the suite end to end: data and ground truth, then the server is loaded and the in-process
 * index built, then both, and the index behind a bare HTTP server, are searched (interleaved, see
 * standalone-search.ts). The servers are always stopped and temporary files removed.
 */
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
  log(`quiver: starting standalone server${o.profileDir ? ' (CPU profiler on)' : ''}`);
  const server = await startBenchServer(o.profileDir);
  let raw: RawIndex | null = null;
  try {
    const load = await loadQuiver(server, ds, p, log);
    log(`usearch: building HNSW (M=${p.hnsw.M}, efConstruction=${p.hnsw.efConstruction}) over ${p.rows} vectors in-process`);
    raw = await buildRawIndex(ds, p.hnsw);
    log(`usearch: built in ${raw.build_s.toFixed(2)} s; file ${raw.file_mb.toFixed(1)} MiB`);
    server.profiler?.start();
    const points = await searchAll({ url: server.url, collection: COLLECTION, raw, ds, gt, params: p, log });
    const profileFile = server.profiler ? await server.profiler.stop() : null;
    if (profileFile) log(`quiver: search-phase CPU profile written to ${profileFile}`);
    const { close: _close, ...index } = raw;
    const loadAfter = loadavg().map((x) => x.toFixed(2)).join(' / ');
    return buildStandaloneResult({
      env, loadAfter, dataset: ds.name, params: p,
      quiver: { ...load, points: points.quiver, profileFile },
      raw: { index, points: points.raw },
      bareHttp: points.bareHttp,
    });
  } catch (err) {
    throw serverFailure(err, server);
  } finally {
    await server.close();
    log('quiver: server stopped');
    await raw?.close();
  }
}
