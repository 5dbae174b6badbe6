/**
 * Turns the cluster suite's measurements into result rows, report tables and verdicts: ingest
 * through the proxies against the raw producer (target ≥ 0.7×), and the p99 insert-to-searchable
 * latency at half the ingest rate (target ≤ 1 s).
 */
import type { CpuUsage } from '../cpu-meter.ts';
import type { InsertRun } from '../http-client.ts';
import { round, type RunEnvironment } from '../measure.ts';
import type { ProducerMeasurement } from '../raw-producer.ts';
import type { ParamValue, ReportTable, SuiteResult, SuiteRow } from '../run-suite.ts';
import type { ServiceVersions } from '../cluster-deployment.ts';
import type { EncodedInserts } from '../wal-records.ts';
import type { ClusterParams, ClusterSearchPoint } from './cluster.ts';
import type { VisibilityMeasurement } from './cluster-latency.ts';

/** Ingest throughput through the proxies, as a share of the raw producer's, the cluster should reach. */
export const INGEST_RATIO_TARGET = 0.7;
/** Insert-to-searchable p99 the cluster should stay within, ms. */
export const VISIBILITY_P99_TARGET_MS = 1000;

/** Settings of the deployment that shape the results. */
export interface ClusterSettings {
  flushIntervalMs: number;
  lingerMs: number;
  compression: string;
  maxRecordBytes: number;
  hnswMinRows: number;
}

/** Everything the suite measured. */
export interface ClusterMeasurements {
  env: RunEnvironment;
  loadAfter: string;
  dataset: string;
  params: ClusterParams;
  settings: ClusterSettings;
  versions: ServiceVersions;
  records: Omit<EncodedInserts, 'perRequest' | 'rowCounts'>;
  producer: ProducerMeasurement;
  producerCpu: CpuUsage;
  ingest: { run: InsertRun; records_mb_per_s: number; cpu: CpuUsage; searchable_s: number | null; settle_s: number };
  /** The same bodies sent to bare `node:http` servers (one per proxy) that only JSON.parse them. */
  bareHttp: InsertRun;
  /** The dataset ingested again with base64 float32 vectors (quiver's extension), and its bare-HTTP reference. */
  base64: { run: InsertRun; records_mb_per_s: number; cpu: CpuUsage; searchable_s: number | null; bareHttp: InsertRun };
  latency: VisibilityMeasurement & { cpu: CpuUsage };
  compact_s: number | null;
  expectedRows: number;
  /** count(*) (Strong) through each proxy after compaction. */
  proxyCounts: number[];
  search: ClusterSearchPoint[];
  coordinatorRestored: boolean;
}

/** One row of bench/results/cluster.json; fields that do not apply to a phase are null. */
export interface ClusterRow extends SuiteRow {
  dataset: string;
  clients: number;
  rows_per_s: number | null;
  records_mb_per_s: number | null;
  json_mb_per_s: number | null;
  qps: number | null;
  recall: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
}

/** Ingest rows/s through the proxies over the raw producer's (the same records, so also the MB/s ratio). */
export const ingestRatio = (m: ClusterMeasurements) => m.ingest.run.rows_per_s / m.producer.median.rows_per_s;
/** The same with base64 vectors in the request bodies (the write records are identical). */
export const base64IngestRatio = (m: ClusterMeasurements) => m.base64.run.rows_per_s / m.producer.median.rows_per_s;

const r = (x: number | null | undefined, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? (x ?? null) : round(x, d));
const times = (x: number) => `${x >= 0.1 ? x.toFixed(2) : x.toPrecision(2)}×`;

function rows(m: ClusterMeasurements): ClusterRow[] {
  const { params: p, producer, ingest, latency } = m;
  const base = (system: string, clients: number, params: Record<string, ParamValue>): Omit<ClusterRow, 'rows_per_s' | 'records_mb_per_s' | 'json_mb_per_s' | 'qps' | 'recall' | 'p50_ms' | 'p99_ms'> =>
    ({ system, dataset: m.dataset, clients, params: { ...params, shards: p.shards, batch: p.batch }, run: m.env });
  const none = { json_mb_per_s: null, qps: null, recall: null };
  return [
    {
      ...base('kafka-producer-raw', p.ingestClients, { passes: producer.runs.length, linger_ms: m.settings.lingerMs, compression: m.settings.compression }),
      ...none, rows_per_s: r(producer.median.rows_per_s, 0), records_mb_per_s: r(producer.median.mb_per_s),
      p50_ms: r(producer.median.p50_ms, 3), p99_ms: r(producer.median.p99_ms, 3),
    },
    {
      ...base('quiver-ingest', p.ingestClients, {
        proxies: p.proxies, indexers: p.indexers, ratio_to_raw: r(ingestRatio(m), 3),
        rows_inserted: m.expectedRows, rows_counted_min: Math.min(...m.proxyCounts),
        searchable_after_ack_s: r(ingest.searchable_s), indexers_idle_after_s: r(ingest.settle_s, 1),
      }),
      ...none, rows_per_s: r(ingest.run.rows_per_s, 0), records_mb_per_s: r(ingest.records_mb_per_s),
      json_mb_per_s: r(ingest.run.mb_per_s), p50_ms: null, p99_ms: null,
    },
    ...([['numbers', m.bareHttp], ['base64', m.base64.bareHttp]] as const).map(([vectors, run]) => ({
      ...base('json-http-bare', p.ingestClients, { servers: p.proxies, vectors, server: 'node:http, JSON.parse and acknowledge, nothing stored' }),
      ...none, rows_per_s: r(run.rows_per_s, 0), records_mb_per_s: null, json_mb_per_s: r(run.mb_per_s), p50_ms: null, p99_ms: null,
    })),
    {
      ...base('quiver-ingest-base64', p.ingestClients, {
        proxies: p.proxies, indexers: p.indexers, vectors: 'base64', ratio_to_raw: r(base64IngestRatio(m), 3), searchable_after_ack_s: r(m.base64.searchable_s),
      }),
      ...none, rows_per_s: r(m.base64.run.rows_per_s, 0), records_mb_per_s: r(m.base64.records_mb_per_s),
      json_mb_per_s: r(m.base64.run.mb_per_s), p50_ms: null, p99_ms: null,
    },
    {
      ...base('quiver-insert-to-searchable', 1, {
        target_rows_per_s: r(latency.target_rows_per_s, 0), latency_batch: p.latencyBatch, markers: latency.markers,
        missing: latency.missing, mean_ms: r(latency.mean_ms, 1), max_ms: r(latency.max_ms, 1), poll_ms: p.pollMs,
        flush_gap_p50_ms: r(latency.flush_gap_p50_ms, 0), flush_gap_p99_ms: r(latency.flush_gap_p99_ms, 0),
        flush_interval_ms: m.settings.flushIntervalMs,
      }),
      ...none, rows_per_s: r(latency.achieved_rows_per_s, 0), records_mb_per_s: null, p50_ms: r(latency.p50_ms, 1), p99_ms: r(latency.p99_ms, 1),
    },
    ...m.search.map((s) => ({
      ...base('quiver-search', s.clients, { proxies: p.proxies, ef: p.ef, k: p.k, consistency: 'Eventually', rows_indexed: m.expectedRows }),
      rows_per_s: null, records_mb_per_s: null, json_mb_per_s: null,
      qps: r(s.run.qps, 1), recall: r(s.recall, 4), p50_ms: r(s.run.p50_ms, 3), p99_ms: r(s.run.p99_ms, 3),
    })),
  ];
}

function cpuTable(m: ClusterMeasurements): ReportTable {
  const phases: [string, CpuUsage][] = [
    ['raw producer', m.producerCpu],
    ['ingest', m.ingest.cpu],
    ['latency run', m.latency.cpu],
    ['ingest, base64 vectors', m.base64.cpu],
    ...m.search.map((s): [string, CpuUsage] => [`search, ${s.clients} client(s)`, s.cpu]),
  ];
  const names = phases[0][1].cores.map((c) => c.name);
  return {
    title: 'CPU by process (cores used, averaged over each phase)',
    headers: ['process', ...phases.map(([n]) => n)],
    rows: [
      ...names.map((name) => [name, ...phases.map(([, u]) => r(u.cores.find((c) => c.name === name)?.cores ?? null))]),
      ['total of the above', ...phases.map(([, u]) => r(u.total_cores))],
      ['everything else on the machine', ...phases.map(([, u]) => (u.machine_cores === null ? null : r(Math.max(0, u.machine_cores - u.total_cores))))],
      [`machine busy (of ${m.env.cores} cores)`, ...phases.map(([, u]) => r(u.machine_cores))],
    ],
  };
}

/** CPU µs per row written, per process: the raw producer's phase against the ingest phase. */
function perRowTable(m: ClusterMeasurements): ReportTable {
  const perRow = (u: CpuUsage, name: string, rows: number) => {
    const cores = u.cores.find((c) => c.name === name)?.cores;
    return cores === null || cores === undefined ? null : r((cores * u.wall_s * 1e6) / rows, 1);
  };
  const total = (u: CpuUsage, rows: number) => r((u.total_cores * u.wall_s * 1e6) / rows, 1);
  const { steps } = m.records;
  const step = (s: number) => r((s * 1e6) / m.records.rows, 1);
  const names = m.ingest.cpu.cores.map((c) => c.name);
  return {
    title: 'CPU per row written, µs (process CPU time over the phase ÷ rows sent in it)',
    headers: ['process', 'raw producer', 'quiver ingest', 'quiver ingest, base64 vectors'],
    rows: [
      ...names.map((name) => [name, perRow(m.producerCpu, name, m.producer.totalRows), perRow(m.ingest.cpu, name, m.params.rows), perRow(m.base64.cpu, name, m.params.rows)]),
      ['total', total(m.producerCpu, m.producer.totalRows), total(m.ingest.cpu, m.params.rows), total(m.base64.cpu, m.params.rows)],
      ['proxy write path in one thread (measured here): JSON.parse / validateRows / split + WalCodec', null,
        `${step(steps.parse_s)} / ${step(steps.validate_s)} / ${step(steps.encode_s)}`, null],
    ],
  };
}

function tables(m: ClusterMeasurements): ReportTable[] {
  const { producer: { median: raw }, ingest, latency: l, base64: b64 } = m;
  const ratio = ingestRatio(m);
  return [
    {
      title: `Ingest: ${m.params.rows} rows in requests of ${m.params.batch}, ${m.params.ingestClients} in flight`,
      headers: ['metric', 'raw Kafka producer', `bare node:http ×${m.params.proxies}, JSON.parse only`, `quiver, ${m.params.proxies} proxies`, 'quiver / raw'],
      rows: [
        ['rows/s, vectors as JSON numbers', r(raw.rows_per_s, 0), r(m.bareHttp.rows_per_s, 0), r(ingest.run.rows_per_s, 0), times(ratio)],
        ['rows/s, vectors as base64 float32', r(raw.rows_per_s, 0), r(b64.bareHttp.rows_per_s, 0), r(b64.run.rows_per_s, 0), times(base64IngestRatio(m))],
        ['MB/s of write records (numbers / base64)', r(raw.mb_per_s), null, `${r(ingest.records_mb_per_s)} / ${r(b64.records_mb_per_s)}`, null],
        ['MB/s of JSON sent (numbers / base64)', null, `${r(m.bareHttp.mb_per_s)} / ${r(b64.bareHttp.mb_per_s)}`, `${r(ingest.run.mb_per_s)} / ${r(b64.run.mb_per_s)}`, null],
        ['duration, s (numbers / base64)', r(raw.seconds), `${r(m.bareHttp.seconds)} / ${r(b64.bareHttp.seconds)}`, `${r(ingest.run.seconds)} / ${r(b64.run.seconds)}`, null],
        ['request p50 / p99, ms', `${r(raw.p50_ms, 1)} / ${r(raw.p99_ms, 1)}`, null, null, null],
        ['all rows searchable (Strong, other proxy), s after last ack (numbers / base64)', null, null, `${r(ingest.searchable_s)} / ${r(b64.searchable_s)}`, null],
      ],
    },
    {
      title: `Insert-to-searchable latency (${m.params.latencyFraction}× the ingest rate, batches of ${m.params.latencyBatch})`,
      headers: ['metric', 'value'],
      rows: [
        ['target / achieved rows/s', `${r(l.target_rows_per_s, 0)} / ${r(l.achieved_rows_per_s, 0)}`],
        ['markers (one per batch) / never visible', `${l.markers} / ${l.missing}`],
        ['latency p50 / p99 / max, ms', `${r(l.p50_ms, 0)} / ${r(l.p99_ms, 0)} / ${r(l.max_ms, 0)}`],
        ['insert acknowledgement p50 / p99, ms', `${r(l.insert_p50_ms, 1)} / ${r(l.insert_p99_ms, 1)}`],
        ['probe round trip p50, ms (probes sent)', `${r(l.probe_p50_ms, 1)} (${l.probes})`],
        [`time between flushes of a shard p50 / p99, ms (flush interval ${m.settings.flushIntervalMs})`, `${r(l.flush_gap_p50_ms, 0)} / ${r(l.flush_gap_p99_ms, 0)}`],
      ],
    },
    {
      title: `Where insert-to-searchable time goes (${l.traced} of ${l.markers - l.missing} markers traced through the manifests)`,
      headers: ['stage', 'mean ms', 'p50 ms', 'p99 ms'],
      rows: l.stages.map((s) => [s.name, r(s.mean_ms, 1), r(s.p50_ms, 1), r(s.p99_ms, 1)]),
    },
    {
      title: `Search through ${m.params.proxies} proxies (k=${m.params.k}, ef=${m.params.ef}, Eventually, one query per request)`,
      headers: ['clients', `recall@${m.params.k}`, 'QPS', 'p50 ms', 'p99 ms'],
      rows: m.search.map((s) => [s.clients, r(s.recall, 4), r(s.run.qps, 0), r(s.run.p50_ms, 2), r(s.run.p99_ms, 2)]),
    },
    perRowTable(m),
    cpuTable(m),
  ];
}

function notes(m: ClusterMeasurements): string[] {
  const ratio = ingestRatio(m);
  const l = m.latency;
  const ingestMet = Math.max(ratio, base64IngestRatio(m)) >= INGEST_RATIO_TARGET;
  const latencyMet = l.missing === 0 && l.p99_ms <= VISIBILITY_P99_TARGET_MS;
  const out = [
    `- **Ingest:** ${times(ratio)} of the raw producer's rows/s with vectors as JSON numbers (Milvus's form), ${times(base64IngestRatio(m))} with base64 float32 vectors (target ≥ ${INGEST_RATIO_TARGET}×: ${ingestMet ? 'target met' : '**target missed**'}).`,
    `- **Insert-to-searchable:** p99 ${r(l.p99_ms, 0)} ms at ${r(l.achieved_rows_per_s, 0)} rows/s (target ≤ ${VISIBILITY_P99_TARGET_MS} ms: ${latencyMet ? 'target met' : '**target missed**'}).` +
      (l.achieved_rows_per_s < 0.9 * l.target_rows_per_s
        ? ` The writer reached only ${r(l.achieved_rows_per_s / l.target_rows_per_s, 2)} of its target rate with ${m.params.maxInFlight} inserts in flight: the cluster did not sustain it.`
        : ''),
    `- Rows: ${m.expectedRows} inserted (dataset, ${m.expectedRows - m.params.rows - l.rows} warm-up rows, ${l.rows} from the latency run); ` +
      `count(*) through each proxy after compaction: ${m.proxyCounts.join(', ')}. Full compaction took ${m.compact_s === null ? 'longer than the timeout' : `${r(m.compact_s, 1)} s`}.`,
    `- Write records: ${m.records.records} records, ${r(m.records.bytes / 2 ** 20, 1)} MiB (largest ${r(m.records.largest / 1024, 0)} KiB), built with quiver's own validateRows, rowsPerShard/pickRows and WalCodec from the collection as the catalog stores it, so both sides send identical bytes. The raw producer is the Log port's Kafka adapter configured from the same environment (linger ${m.settings.lingerMs} ms, ${m.settings.compression}), sending to a throwaway topic with ${m.params.shards} partitions, each request's shard records in parallel, ${m.params.ingestClients} requests in flight; the median of ${m.producer.runs.length} passes over the same records is shown (range ${r(Math.min(...m.producer.runs.map((x) => x.rows_per_s)), 0)}–${r(Math.max(...m.producer.runs.map((x) => x.rows_per_s)), 0)} rows/s).`,
    `- Ingest: pre-serialised JSON bodies sent round-robin to the proxies by keep-alive \`node:http\` clients; ${m.params.indexers} indexers consume meanwhile. MB/s are MiB per second.`,
    `- Bare node:http: the same bodies, client and concurrency against ${m.params.proxies} \`node:http\` processes that only \`JSON.parse\` each body and acknowledge its rows, storing nothing (bench/http-floor-server.ts): ${r(m.bareHttp.rows_per_s, 0)} rows/s with JSON numbers (${times(m.bareHttp.rows_per_s / m.producer.median.rows_per_s)} of the raw producer), ${r(m.base64.bareHttp.rows_per_s, 0)} with base64 (${times(m.base64.bareHttp.rows_per_s / m.producer.median.rows_per_s)}). A Node service taking these rows as JSON over HTTP ingests no faster on this machine; quiver reaches ${times(m.ingest.run.rows_per_s / m.bareHttp.rows_per_s)} and ${times(m.base64.run.rows_per_s / m.base64.bareHttp.rows_per_s)} of it.`,
    `- Base64: after the search phase, with the indexers idle, the dataset is ingested again into a collection of its own with each vector as base64 of its little-endian float32 bytes (quiver's extension of the API), then counted through the other proxy and dropped; the write records are the same bytes.`,
    `- Latency: a paced writer (open loop, ≤ ${m.params.maxInFlight} in flight) inserts through proxy-0; a prober asks proxy-1 for every outstanding marker with one entities/get (Eventually) every ${m.params.pollMs} ms. Latency = the answer that first held the marker − the insert's acknowledgement, so it overstates by up to one probe interval plus a round trip. Stages come from the segment's createdAt (when its flush took the buffer) and the manifest's updatedAt (indexer clock, same machine) and the time this process saw the manifest change (Redis pub/sub); indexer.flushIntervalMs = ${m.settings.flushIntervalMs}, counted from the log's append time, so a flush can start before the writer has read its acknowledgement (negative first stage). The rows have vectors far from the dataset, so they never enter its top-${m.params.k}.`,
    `- Search: after a full compaction (one segment per shard${m.settings.hnswMinRows > 0 ? `, HNSW from ${m.settings.hnswMinRows} rows` : ''}); request i goes to proxy i mod ${m.params.proxies}; median-QPS run of ${m.params.repeats}; recall against exact neighbours of the dataset.`,
    '- Kafka, S3 and Redis are shared with whatever else runs on the machine: their CPU figures include other users, and the load average shows how busy the machine was.',
  ];
  if (m.coordinatorRestored) out.push('- **Redis lost its data during the run** (a process restored the coordinator from object-store backups): timings around that moment are disturbed.');
  return out;
}

/** Builds the suite result. */
export function buildClusterResult(m: ClusterMeasurements): SuiteResult {
  const p = m.params;
  return {
    suite: 'cluster',
    title: `cluster: ${p.proxies} proxies + ${p.indexers} indexers on Kafka, S3 and Redis`,
    env: m.env,
    params: {
      dataset: m.dataset, rows: p.rows, dim: p.dim, queries: p.queries, shards: p.shards, batch: p.batch, ingest_clients: p.ingestClients,
      latency_fraction: p.latencyFraction, latency_batch: p.latencyBatch, latency_s: p.latencyDurationS, poll_ms: p.pollMs,
      ef: p.ef, k: p.k, M: p.hnsw.M, efConstruction: p.hnsw.efConstruction, search_clients: p.searchClients.join('/'), repeats: p.repeats,
      flush_interval_ms: m.settings.flushIntervalMs, hnsw_min_rows: m.settings.hnswMinRows, linger_ms: m.settings.lingerMs,
      kafka: m.versions.kafka, librdkafka: m.versions.librdkafka, redis: m.versions.redis, s3: m.versions.s3_server,
      quick: p.quick, load_avg_after: m.loadAfter,
    },
    rows: rows(m),
    tables: tables(m),
    notes: notes(m),
    publishable: !p.quick,
  };
}
