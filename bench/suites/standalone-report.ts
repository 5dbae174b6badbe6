/**
 * Turns the standalone suite's measurements into result rows, report tables and the verdict:
 * HTTP QPS over in-process QPS at the smallest ef where both reach recall@10 ≥ 0.95, against the
 * 0.8× target.
 */
import { profileNotes, summarizeProfiles } from '../cpu-profile.ts';
import type { RunEnvironment } from '../machine.ts';
import { round } from '../stats.ts';
import type { ParamValue, ReportTable, ResultRow, SuiteResult } from '../types.ts';
import type { QuiverMeasurements, RawMeasurements, SearchPoint, StandaloneParams } from './standalone.ts';

/** Recall both systems must reach for the throughput comparison. */
export const RECALL_TARGET = 0.95;
/** HTTP throughput, as a share of in-process throughput, the server should reach. */
export const RATIO_TARGET = 0.8;

/** Inputs of {@link buildStandaloneResult}. */
export interface StandaloneMeasurements {
  env: RunEnvironment;
  dataset: string;
  params: StandaloneParams;
  quiver: QuiverMeasurements;
  raw: RawMeasurements;
  profileDir?: string;
}

/** The comparison at one client count. */
export interface Verdict {
  clients: number;
  ef: number | null;
  ratio: number | null;
  met: boolean;
}

const find = (points: SearchPoint[], ef: number, clients: number) => points.find((x) => x.ef === ef && x.clients === clients);

/** Smallest ef where both systems reach the recall target with `clients` clients, and the QPS ratio there. */
export function verdictFor(m: StandaloneMeasurements, clients: number): Verdict {
  for (const ef of m.params.efs) {
    const q = find(m.quiver.points, ef, clients);
    const r = find(m.raw.points, ef, clients);
    if (q && r && q.recall >= RECALL_TARGET && r.recall >= RECALL_TARGET) {
      const ratio = q.run.qps / r.run.qps;
      return { clients, ef, ratio, met: ratio >= RATIO_TARGET };
    }
  }
  return { clients, ef: null, ratio: null, met: false };
}

function commonParams(p: StandaloneParams): Record<string, ParamValue> {
  return { k: p.k, metric: 'L2', M: p.hnsw.M, efConstruction: p.hnsw.efConstruction, rows: p.rows, dim: p.dim, queries: p.queries, clusters: p.clusters, seed: p.seed };
}

function resultRows(m: StandaloneMeasurements): ResultRow[] {
  const { quiver: q, raw, params: p } = m;
  const quiverLoad = q.indexed ? q.insert.seconds + q.indexed.seconds : null;
  const row = (system: string, pt: SearchPoint, load_s: number | null, rss_mb: number | null, extra: Record<string, ParamValue>): ResultRow => ({
    system,
    dataset: m.dataset,
    clients: pt.clients,
    recall: round(pt.recall, 4),
    qps: round(pt.run.qps, 1),
    p50_ms: round(pt.run.p50_ms, 3),
    p99_ms: round(pt.run.p99_ms, 3),
    load_s: load_s === null ? null : round(load_s, 2),
    rss_mb: rss_mb === null ? null : round(rss_mb, 1),
    params: { ef: pt.ef, ...commonParams(p), ...extra },
    run: m.env,
  });
  return [
    ...q.points.map((pt) =>
      row('quiver-http', pt, quiverLoad, q.memory?.rss_mb ?? null, {
        client: 'fetch keep-alive, closed loop',
        consistency: 'Eventually',
        shards: 1,
        insert_batch: p.batch,
        insert_concurrency: p.insertConcurrency,
        insert_s: round(q.insert.seconds, 2),
        insert_rows_per_s: round(q.insert.rows_per_s, 0),
        insert_mb_per_s: round(q.insert.mb_per_s, 2),
        searchable_after_ack_s: q.searchable_s === null ? null : round(q.searchable_s, 2),
        indexed_after_ack_s: q.indexed ? round(q.indexed.seconds, 2) : null,
        indexed_detected_by: q.indexed?.by ?? null,
        peak_rss_mb: q.memory?.peak_rss_mb ?? null,
      }),
    ),
    ...raw.points.map((pt) =>
      row('usearch-raw', pt, raw.index.build_s, raw.index.rss_delta_mb, {
        client: pt.clients === 1 ? 'sequential calls' : 'worker_threads, one view() each',
        build_threads: m.env.cores,
        index_file_mb: round(raw.index.file_mb, 1),
      }),
    ),
  ];
}

function tables(m: StandaloneMeasurements): ReportTable[] {
  const { quiver: q, raw } = m;
  const s = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? null : round(x, d));
  const ingest: ReportTable = {
    title: 'Loading',
    headers: ['metric', 'quiver (HTTP)', 'usearch (in-process)'],
    rows: [
      ['insert throughput, rows/s', s(q.insert.rows_per_s, 0), null],
      ['insert throughput, MB/s of JSON', s(q.insert.mb_per_s), null],
      ['insert duration, s', s(q.insert.seconds), null],
      ['searchable after last ack, s (count(*), Strong)', s(q.searchable_s), null],
      [`fully indexed after last ack, s (${q.indexed?.by ?? 'not reached'})`, s(q.indexed?.seconds), null],
      ['load time: first row → fully indexed, s', q.indexed ? s(q.insert.seconds + q.indexed.seconds) : null, s(raw.index.build_s)],
      ['resident memory after load, MiB', s(q.memory?.rss_mb, 1), s(raw.index.rss_delta_mb, 1)],
      ['peak resident memory, MiB', s(q.memory?.peak_rss_mb, 1), null],
      ['index file, MiB', null, s(raw.index.file_mb, 1)],
    ],
  };
  const rows = m.params.efs.flatMap((ef) =>
    m.params.clients.map((clients) => {
      const a = find(q.points, ef, clients);
      const b = find(raw.points, ef, clients);
      const ratio = a && b ? a.run.qps / b.run.qps : null;
      return [
        ef, clients,
        s(a?.recall, 4), s(a?.run.qps, 0), s(a?.run.p50_ms, 3), s(a?.run.p99_ms, 3),
        s(b?.recall, 4), s(b?.run.qps, 0), s(b?.run.p50_ms, 3), s(b?.run.p99_ms, 3),
        ratio === null ? null : `${ratio.toFixed(2)}×`,
      ];
    }),
  );
  const search: ReportTable = {
    title: `Search (k=${m.params.k}, one query per request)`,
    headers: ['ef', 'clients', 'quiver recall@10', 'quiver QPS', 'quiver p50 ms', 'quiver p99 ms', 'usearch recall@10', 'usearch QPS', 'usearch p50 ms', 'usearch p99 ms', 'QPS ratio'],
    rows,
  };
  return [ingest, search];
}

function verdictNotes(m: StandaloneMeasurements): string[] {
  const lines: string[] = [];
  for (const clients of m.params.clients) {
    const v = verdictFor(m, clients);
    if (v.ef === null || v.ratio === null) {
      lines.push(`- **${clients} client(s):** no ef in the sweep reaches recall@10 ≥ ${RECALL_TARGET} on both systems; no ratio.`);
      continue;
    }
    const status = v.met ? 'target met' : '**target missed**';
    lines.push(`- **${clients} client(s):** at ef=${v.ef} (smallest ef with recall@10 ≥ ${RECALL_TARGET} on both), HTTP/in-process QPS = **${v.ratio.toFixed(2)}×** (target ≥ ${RATIO_TARGET}×: ${status}).`);
  }
  if (!m.quiver.indexed) lines.push('- The server did **not** report the data fully indexed within the timeout; searches ran over whatever segments existed.');
  return lines;
}

const METHOD_NOTES = [
  '- quiver: one standalone process in a fresh data directory; Int64 `id` + FloatVector `vector`, HNSW/L2, one shard. Searches send one query per request (`limit` 10, `searchParams.params.ef`, consistency Eventually) from keep-alive `fetch` clients in a closed loop; bodies are serialised before timing.',
  '- usearch: the same vectors and HNSW parameters (l2sq, connectivity=M, expansion_add=efConstruction) built in the benchmark process with all cores, saved, then opened with `view()` and expansion_search=ef. 1 client = sequential single-query calls; 8 clients = 8 worker threads, each with its own `view()`, pulling queries from a shared counter. Its memory figure is the growth of the benchmark process while building.',
  '- Every query is sent once per setting after a short warm-up; recall@10 is against exact brute-force neighbours. Both systems share the machine\'s cores with the load generator, and anything else running on the machine (see load average) skews timings.',
];

/** Builds the suite result (and, when the server was profiled, the profile summary). */
export async function buildStandaloneResult(m: StandaloneMeasurements): Promise<SuiteResult> {
  const p = m.params;
  const notes = [...verdictNotes(m), ...METHOD_NOTES];
  if (m.profileDir) notes.push(...profileNotes(await summarizeProfiles(m.profileDir, m.quiver.searchWindow), 'search phase only'));
  return {
    suite: 'standalone',
    title: 'standalone: quiver over HTTP vs in-process usearch',
    env: m.env,
    params: {
      dataset: m.dataset, ...commonParams(p), efs: p.efs.join('/'), clients: p.clients.join('/'),
      insert_batch: p.batch, insert_concurrency: p.insertConcurrency, quick: p.quick, profiled: Boolean(m.profileDir),
    },
    rows: resultRows(m),
    tables: tables(m),
    notes,
    publishable: !p.quick && !m.profileDir,
  };
}
