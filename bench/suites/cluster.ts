/**
 * Suite `cluster`: quiver's cluster mode on the local Kafka, S3 and Redis, in one run — the raw
 * Kafka producer's throughput for quiver's own write records, the same JSON bodies against bare
 * `node:http` servers that only parse them, ingest through two proxies against both,
 * insert-to-searchable latency at half the measured ingest rate, and search QPS and recall through
 * both proxies once the data is indexed.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { resolveOptions } from '../../src/shared/adapters/kafka/options.ts';
import { loadConfig } from '../../src/shared/config/load.ts';
import {
  compactFully, serviceVersions, startBenchCluster, waitIndexersIdle, type BenchCluster,
} from '../cluster-deployment.ts';
import { countRows, waitSearchable } from '../quiver-server.ts';
import { describeCpu, meterCpu, type CpuUsage, type MeteredProcess } from '../cpu-meter.ts';
import { generateDataset } from '../datasets.ts';
import { groundTruth, recallAtK, type GroundTruth } from '../ground-truth.ts';
import { runInserts, runSearchLoad, type InsertRun, type SearchRun } from '../http-client.ts';
import { startHttpFloor } from '../http-floor.ts';
import { observeManifests } from '../manifest-observer.ts';
import { REPO_ROOT, medianBy, nowMs, runEnvironment } from '../measure.ts';
import { control, createVectorCollection } from '../quiver-server.ts';
import { measureRawProducer } from '../raw-producer.ts';
import type { SuiteOptions, SuiteResult } from '../run-suite.ts';
import { encodeInserts, readCollection } from '../wal-records.ts';
import { buildClusterResult, type ClusterMeasurements, type ClusterSettings } from './cluster-report.ts';
import { farRowsBody, farVectors, measureVisibility } from './cluster-latency.ts';
import { datasetDefaults, insertBodies } from './standalone.ts';
import { searchBodies } from './standalone-search.ts';

/** Resolved parameters of one run. */
export interface ClusterParams {
  quick: boolean;
  rows: number;
  dim: number;
  queries: number;
  clusters: number;
  seed: number;
  k: number;
  hnsw: { M: number; efConstruction: number };
  shards: number;
  proxies: number;
  indexers: number;
  /** Rows per insert request of the dataset. */
  batch: number;
  /** Insert requests in flight, for the raw producer and the proxies alike. */
  ingestClients: number;
  /** Raw producer passes: at least this many, and more until they took producerMinSeconds. */
  producerRepeats: number;
  producerMinSeconds: number;
  /** Untimed requests before the raw producer's timed passes. */
  producerWarmup: number;
  /** Share of the measured ingest rate the paced writer runs at. */
  latencyFraction: number;
  latencyBatch: number;
  latencyDurationS: number;
  pollMs: number;
  maxInFlight: number;
  ef: number;
  searchClients: number[];
  repeats: number;
  warmup: number;
  /** indexer.hnswMinRows for the run (null: quiver's default). */
  hnswMinRows: number | null;
  timeoutMs: number;
}

/** Defaults, overridden by the options. */
export function clusterParams(o: SuiteOptions): ClusterParams {
  const base = datasetDefaults(o, 50_000);
  const { quick, queries } = base;
  return {
    ...base,
    shards: 4,
    proxies: 2,
    indexers: 2,
    batch: 1000,
    ingestClients: 4,
    producerRepeats: quick ? 1 : 5,
    producerMinSeconds: quick ? 0 : 3,
    producerWarmup: 4,
    latencyFraction: 0.5,
    latencyBatch: 100,
    latencyDurationS: quick ? 5 : 20,
    pollMs: 10,
    maxInFlight: 16,
    ef: 64,
    searchClients: [1, 8],
    repeats: quick ? 1 : 3,
    warmup: Math.min(quick ? 20 : 100, queries),
    // Quick runs hold ~1,250 rows per shard: below quiver's default of 5,000 nothing would get an HNSW index.
    hnswMinRows: quick ? 500 : null,
    timeoutMs: quick ? 90_000 : 600_000,
  };
}

/** One client count's outcome in the search phase. */
export interface ClusterSearchPoint {
  clients: number;
  recall: number;
  run: SearchRun;
  /** Cores each process used over all timed runs of this client count. */
  cpu: CpuUsage;
}

/** Inputs of {@link searchThroughProxies}. */
interface ClusterSearchPhase {
  urls: readonly string[];
  /** One request body per query (standalone-search.ts searchBodies). */
  bodies: string[];
  gt: GroundTruth;
  clients: readonly number[];
  repeats: number;
  warmup: number;
  processes: readonly MeteredProcess[];
  log: (line: string) => void;
}

/**
 * The search phase: closed-loop clients spread their single-query searches over the proxies in
 * turn, after a warm-up, `repeats` times per client count; the run with the median QPS is kept
 * with its recall@k against exact ground truth.
 */
async function searchThroughProxies(phase: ClusterSearchPhase): Promise<ClusterSearchPoint[]> {
  const { urls, bodies, gt, log } = phase;
  const points: ClusterSearchPoint[] = [];
  for (const clients of phase.clients) {
    await runSearchLoad(urls, bodies.slice(0, phase.warmup), clients);
    const { value: runs, cpu } = await meterCpu(phase.processes, async () => {
      const out: SearchRun[] = [];
      for (let r = 0; r < phase.repeats; r++) out.push(await runSearchLoad(urls, bodies, clients));
      return out;
    });
    const run = medianBy(runs, (x) => x.qps);
    const recall = recallAtK(gt, (q) => run.ids[q]);
    log(`search: ${clients} client(s) over ${urls.length} proxies: recall@${gt.k} ${recall.toFixed(4)}  ${run.qps.toFixed(0)} QPS  ` +
      `p50 ${run.p50_ms.toFixed(2)} ms  p99 ${run.p99_ms.toFixed(2)} ms`);
    points.push({ clients, recall, run, cpu });
  }
  return points;
}

const COLLECTION = 'bench_cluster';
/** Where the dataset is ingested once more with base64 vectors, after the search phase. */
const BASE64_COLLECTION = 'bench_cluster_base64';
/** Primary keys of the warm-up rows and of the latency phase's rows: far above the dataset's. */
const WARMUP_FIRST_ID = 1_000_000_000;
const MARKER_FIRST_ID = 2_000_000_000;

/** Runs the suite end to end; the cluster is always stopped and its collection dropped. */
export async function runClusterSuite(o: SuiteOptions): Promise<SuiteResult> {
  if (o.profileDir) throw new Error('the cluster suite does not support --profile (it runs several server processes)');
  const log = o.log ?? ((s: string) => console.log(s));
  const p = clusterParams(o);
  const env = await runEnvironment();
  log(`cluster: ${p.rows} rows × ${p.dim}-d, ${p.shards} shards, ${p.proxies} proxies, ${p.indexers} indexers, ${p.queries} queries${p.quick ? ' (quick)' : ''}`);
  const ds = generateDataset({ rows: p.rows, queries: p.queries, dim: p.dim, clusters: p.clusters, seed: p.seed });
  const gt = await groundTruth(ds, p.k, join(REPO_ROOT, 'bench', '.cache'));
  log(`dataset ${ds.name}; ground truth ${gt.cached ? 'from cache' : `computed in ${gt.seconds.toFixed(1)} s`}`);
  const { bodies, counts } = insertBodies(ds, COLLECTION, p.batch);
  const base64Bodies = insertBodies(ds, BASE64_COLLECTION, p.batch, 'base64').bodies;

  log(`cluster: starting ${p.proxies} proxies and ${p.indexers} indexers`);
  const extraEnv: Record<string, string> = p.hnswMinRows === null ? {} : { QUIVER_HNSW_MIN_ROWS: String(p.hnswMinRows) };
  const bc = await startBenchCluster('bench', p.proxies, p.indexers, extraEnv);
  try {
    const m = await measure(bc, p, { bodies, base64Bodies, counts, gt, ds: { name: ds.name, queries: searchBodies(ds, COLLECTION, p.k, p.ef) } }, log);
    return buildClusterResult({ ...m, env, loadAfter: loadavg().map((x) => x.toFixed(2)).join(' / '), dataset: ds.name, params: p });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    throw new Error(`${e.message}\nlast log lines of the cluster:\n${bc.logs()}`, { cause: e });
  } finally {
    for (const collectionName of [COLLECTION, BASE64_COLLECTION]) await control(bc.urls[0], 'collections/drop', { collectionName }).catch(() => undefined);
    await bc.close();
    log('cluster: collection dropped, processes stopped');
  }
}

/** The deployment's settings that shape the results, as its processes resolve them. */
function deploymentSettings(env: Record<string, string>): ClusterSettings {
  // The processes inherit this process's environment beneath the deployment's own settings.
  const config = loadConfig({ env: { ...process.env, ...env } });
  if (config.log.kind !== 'kafka') throw new Error(`the services configure log.kind=${config.log.kind}, not kafka`);
  const kafka = resolveOptions(config.log);
  return {
    flushIntervalMs: config.indexer.flushIntervalMs,
    lingerMs: kafka.lingerMs,
    compression: kafka.compression,
    maxRecordBytes: kafka.maxRecordBytes,
    hnswMinRows: config.indexer.hnswMinRows,
  };
}

/**
 * The same bodies, client and concurrency against bare `node:http` servers (one per proxy) that
 * only parse the JSON and acknowledge: what a minimal Node service taking JSON over HTTP reaches.
 */
async function bareJsonIngest(bodies: string[], counts: number[], p: ClusterParams, log: (s: string) => void): Promise<InsertRun> {
  const floors = await Promise.all(Array.from({ length: p.proxies }, () => startHttpFloor()));
  try {
    const urls = floors.map((f) => f.url);
    await runInserts(urls, bodies.slice(0, p.ingestClients * 2), counts.slice(0, p.ingestClients * 2), p.ingestClients);
    const run = await runInserts(urls, bodies, counts, p.ingestClients);
    log(`bare HTTP: ${run.rows_per_s.toFixed(0)} rows/s, ${run.mb_per_s.toFixed(1)} MB/s of JSON through ${urls.length} node:http servers that only JSON.parse`);
    return run;
  } finally {
    await Promise.all(floors.map((f) => f.close()));
  }
}

/**
 * The dataset ingested again, with base64 float32 vectors, into a collection of its own (so the
 * searched collection is untouched) once the indexers are idle; then counted and dropped.
 */
async function base64Ingest(bc: BenchCluster, p: ClusterParams, inp: Inputs, recordBytes: number, log: (s: string) => void): Promise<Omit<ClusterMeasurements['base64'], 'bareHttp'>> {
  await waitIndexersIdle(bc, p.timeoutMs);
  await createVectorCollection(bc.urls[0], BASE64_COLLECTION, p.dim, p.hnsw, p.shards);
  log(`ingest (base64 vectors): ${p.rows} rows into ${BASE64_COLLECTION}, ${p.ingestClients} in flight, round-robin over ${bc.urls.length} proxies`);
  const ingest = await meterCpu(bc.processes, () => runInserts(bc.urls, inp.base64Bodies, inp.counts, p.ingestClients));
  log(`ingest (base64 vectors): ${ingest.value.rows_per_s.toFixed(0)} rows/s, ${ingest.value.mb_per_s.toFixed(1)} MB/s of JSON`);
  const searchable_s = await waitSearchable(bc.urls[1], BASE64_COLLECTION, p.rows, ingest.value.lastAckMs, p.timeoutMs);
  log(`ingest (base64 vectors): all rows searchable ${searchable_s === null ? 'NOT within the timeout' : `${searchable_s.toFixed(2)} s after the last ack`}`);
  await control(bc.urls[0], 'collections/drop', { collectionName: BASE64_COLLECTION });
  return { run: ingest.value, records_mb_per_s: recordBytes / 2 ** 20 / ingest.value.seconds, cpu: ingest.cpu, searchable_s };
}

type Measured = Omit<ClusterMeasurements, 'env' | 'loadAfter' | 'dataset' | 'params'>;

interface Inputs {
  bodies: string[];
  /** The same rows with base64 float32 vectors, for BASE64_COLLECTION. */
  base64Bodies: string[];
  counts: number[];
  gt: GroundTruth;
  ds: { name: string; queries: string[] };
}

async function measure(bc: BenchCluster, p: ClusterParams, inp: Inputs, log: (s: string) => void): Promise<Measured> {
  const [a, b] = bc.urls;
  const versions = await serviceVersions(bc.env);
  await createVectorCollection(a, COLLECTION, p.dim, p.hnsw, p.shards);
  const collection = await readCollection(bc.env.QUIVER_REDIS_URL, bc.env.QUIVER_REDIS_KEY_PREFIX, COLLECTION);
  const settings = deploymentSettings(bc.env);
  const t0 = nowMs();
  const records = encodeInserts(collection, inp.bodies, settings.maxRecordBytes);
  log(`records: ${records.records} write records, ${(records.bytes / 2 ** 20).toFixed(1)} MiB (largest ${(records.largest / 1024).toFixed(0)} KiB), ` +
    `encoded with quiver's write path in ${((nowMs() - t0) / 1000).toFixed(2)} s`);

  log(`raw producer: passes over ${inp.bodies.length} requests, ${p.ingestClients} in flight, topic with ${p.shards} partitions`);
  const producer = await meterCpu(bc.processes, () => measureRawProducer({
    env: { ...process.env, ...bc.env }, topic: `${bc.env.QUIVER_TOPIC_PREFIX}raw-producer`, partitions: p.shards, inserts: records,
    concurrency: p.ingestClients, repeats: p.producerRepeats, minSeconds: p.producerMinSeconds, warmup: p.producerWarmup, log,
  }));
  log(`raw producer CPU: ${describeCpu(producer.cpu)}`);

  const bareHttp = await bareJsonIngest(inp.bodies, inp.counts, p, log);
  const bareHttpBase64 = await bareJsonIngest(inp.base64Bodies, inp.counts, p, log);

  const pool = farVectors(400, p.dim);
  const warmupBodies = bc.urls.flatMap((_, i) => [0, 1].map((j) => farRowsBody(COLLECTION, WARMUP_FIRST_ID + (i * 2 + j) * 100, 100, pool)));
  await runInserts(bc.urls, warmupBodies, warmupBodies.map(() => 100), bc.urls.length);
  let expected = warmupBodies.length * 100;
  log(`ingest: ${p.rows} rows in ${inp.bodies.length} batches of ${p.batch}, ${p.ingestClients} in flight, round-robin over ${bc.urls.length} proxies`);
  const ingest = await meterCpu(bc.processes, () => runInserts(bc.urls, inp.bodies, inp.counts, p.ingestClients));
  expected += p.rows;
  const ingestRecordsMbPerS = records.bytes / 2 ** 20 / ingest.value.seconds;
  log(`ingest: ${ingest.value.rows_per_s.toFixed(0)} rows/s, ${ingestRecordsMbPerS.toFixed(1)} MB/s of records, ${ingest.value.mb_per_s.toFixed(1)} MB/s of JSON`);
  log(`ingest CPU: ${describeCpu(ingest.cpu)}`);
  const searchable_s = await waitSearchable(b, COLLECTION, expected, ingest.value.lastAckMs, p.timeoutMs);
  log(`ingest: all rows searchable through the other proxy (Strong) ${searchable_s === null ? 'NOT within the timeout' : `${searchable_s.toFixed(2)} s after the last ack`}`);
  const settle_s = await waitIndexersIdle(bc, p.timeoutMs);
  log(`indexers idle after ${settle_s.toFixed(1)} s more`);

  const rate = ingest.value.rows_per_s * p.latencyFraction;
  log(`latency: writer → proxy-0 at ${rate.toFixed(0)} rows/s in batches of ${p.latencyBatch} for ${p.latencyDurationS} s; prober → proxy-1 every ${p.pollMs} ms`);
  const observer = await observeManifests(bc.env.QUIVER_REDIS_URL, bc.env.QUIVER_REDIS_KEY_PREFIX, collection.id);
  const latency = await meterCpu(bc.processes, () => measureVisibility({
    writerUrl: a, proberUrl: b, collection, dim: p.dim, rowsPerSecond: rate, batch: p.latencyBatch,
    durationS: p.latencyDurationS, pollMs: p.pollMs, maxInFlight: p.maxInFlight, firstId: MARKER_FIRST_ID,
    drainTimeoutMs: 30_000, observer, log,
  })).finally(() => observer.close());
  expected += latency.value.rows;
  log(`latency: p50 ${latency.value.p50_ms.toFixed(0)} ms, p99 ${latency.value.p99_ms.toFixed(0)} ms at ${latency.value.achieved_rows_per_s.toFixed(0)} rows/s`);
  log(`latency CPU: ${describeCpu(latency.cpu)}`);

  await waitIndexersIdle(bc, p.timeoutMs);
  const compact_s = await compactFully(a, COLLECTION, expected, p.timeoutMs);
  log(`full compaction ${compact_s === null ? 'did NOT finish within the timeout' : `took ${compact_s.toFixed(1)} s`}`);
  const proxyCounts = await Promise.all(bc.urls.map((u) => waitSearchable(u, COLLECTION, expected, nowMs(), p.timeoutMs).then(() => countRows(u, COLLECTION, 'Strong'))));
  log(`rows counted through each proxy (Strong): ${proxyCounts.join(', ')} of ${expected}`);
  await waitIndexersIdle(bc, p.timeoutMs);

  const search = await searchThroughProxies({
    urls: bc.urls, bodies: inp.ds.queries, gt: inp.gt, clients: p.searchClients, repeats: p.repeats, warmup: p.warmup, processes: bc.processes, log,
  });
  const base64 = await base64Ingest(bc, p, inp, records.bytes, log);
  const { perRequest: _perRequest, rowCounts: _rowCounts, ...recordTotals } = records;
  return {
    settings, versions, records: recordTotals, producer: producer.value, producerCpu: producer.cpu,
    ingest: { run: ingest.value, records_mb_per_s: ingestRecordsMbPerS, cpu: ingest.cpu, searchable_s, settle_s }, bareHttp,
    base64: { ...base64, bareHttp: bareHttpBase64 },
    latency: { ...latency.value, cpu: latency.cpu }, compact_s, expectedRows: expected, proxyCounts, search,
    coordinatorRestored: bc.coordinatorRestored(),
  };
}
