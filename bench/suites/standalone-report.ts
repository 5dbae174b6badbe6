/**
 * Turns the standalone suite's measurements into result rows, report tables and the verdict:
 * HTTP QPS over in-process QPS at the smallest ef where both reach recall@10 ≥ 0.95, against the
 * 0.8× target.
 */
import { profileNotes, summarizeProfiles } from '../cpu-profile.ts';
import { round, type RunEnvironment } from '../measure.ts';
import type { ParamValue, ReportTable, ResultRow, SuiteResult } from '../run-suite.ts';
import type { QuiverMeasurements, RawMeasurements, StandaloneParams } from './standalone.ts';
import type { SearchPoint } from './standalone-search.ts';

/** Recall both systems must reach for the throughput comparison. */
export const RECALL_TARGET = 0.95;
/** HTTP throughput, as a share of in-process throughput, the server should reach. */
export const RATIO_TARGET = 0.8;

/** Inputs of {@link buildStandaloneResult}. */
export interface StandaloneMeasurements {
  env: RunEnvironment;
  /** Load averages when the measurements ended. */
  loadAfter: string;
  dataset: string;
  params: StandaloneParams;
  quiver: QuiverMeasurements;
  raw: RawMeasurements;
  /** The in-process index behind a bare `node:http` server (bench/http-floor-server.ts). */
  bareHttp: SearchPoint[];
}

/** The comparison at one client count. */
export interface Verdict {
  clients: number;
  ef: number | null;
  ratio: number | null;
  met: boolean;
}

/** A QPS ratio with two significant digits, e.g. `0.43×` or `0.057×`. */
const times = (ratio: number) => `${ratio >= 0.1 ? ratio.toFixed(2) : ratio.toPrecision(2)}×`;

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
  return {
    k: p.k, metric: 'L2', M: p.hnsw.M, efConstruction: p.hnsw.efConstruction, rows: p.rows, dim: p.dim, queries: p.queries,
    clusters: p.clusters, seed: p.seed, repeats: p.repeats,
  };
}

function resultRows(m: StandaloneMeasurements): ResultRow[] {
  const { quiver: q, raw, params: p } = m;
  const quiverLoad = quiverLoadSeconds(q);
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
        client: 'node:http keep-alive, closed loop',
        consistency: 'Eventually',
        shards: 1,
        insert_batch: p.batch,
        insert_concurrency: p.insertConcurrency,
        insert_s: round(q.insert.seconds, 2),
        insert_rows_per_s: round(q.insert.rows_per_s, 0),
        insert_mb_per_s: round(q.insert.mb_per_s, 2),
        searchable_after_ack_s: q.searchable_s === null ? null : round(q.searchable_s, 2),
        indexed_after_ack_s: q.indexing.indexed_s === null ? null : round(q.indexing.indexed_s, 2),
        background_indexed_after_ack_s: q.indexing.background_s === null ? null : round(q.indexing.background_s, 2),
        background_settled_after_ack_s: round(q.indexing.settled_s, 2),
        pending_rows_after_background: q.indexing.pending_after_background,
        full_compaction_s: q.indexing.compact_s === null ? null : round(q.indexing.compact_s, 2),
        peak_rss_mb: q.memory?.peak_rss_mb ?? null,
        round_trip_p50_ms: round(q.roundTrip.p50_ms, 3),
      }),
    ),
    ...raw.points.map((pt) =>
      row('usearch-raw', pt, raw.index.build_s, raw.index.rss_delta_mb, {
        client: pt.clients === 1 ? 'sequential calls' : 'worker_threads, one view() each',
        build_threads: m.env.cores,
        index_file_mb: round(raw.index.file_mb, 1),
      }),
    ),
    ...m.bareHttp.map((pt) => row('usearch-bare-http', pt, null, null, { client: 'node:http keep-alive, closed loop', server: 'node:http, one view() per ef, one search per request' })),
  ];
}

function quiverLoadSeconds(q: QuiverMeasurements): number | null {
  return q.indexing.indexed_s === null ? null : round(q.insert.seconds + q.indexing.indexed_s, 2);
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
      ['all rows indexed by background work alone, s after last ack', s(q.indexing.background_s), null],
      ['background work settled, s after last ack', s(q.indexing.settled_s), null],
      ['rows still pending (flat) when it settled', q.indexing.pending_after_background, null],
      ['explicit full compaction (collections/compact), s', s(q.indexing.compact_s), null],
      ['fully indexed, s after last ack', s(q.indexing.indexed_s), null],
      ['load time: first row → fully indexed, s', quiverLoadSeconds(q), s(raw.index.build_s)],
      ['resident memory after load, MiB', s(q.memory?.rss_mb, 1), s(raw.index.rss_delta_mb, 1)],
      ['peak resident memory, MiB', s(q.memory?.peak_rss_mb, 1), null],
      ['trivial request round trip (collections/has), p50 / p99 ms', `${s(q.roundTrip.p50_ms, 3)} / ${s(q.roundTrip.p99_ms, 3)}`, null],
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
        ratio === null ? null : times(ratio),
      ];
    }),
  );
  const search: ReportTable = {
    title: `Search (k=${m.params.k}, one query per request)`,
    headers: ['ef', 'clients', 'quiver recall@10', 'quiver QPS', 'quiver p50 ms', 'quiver p99 ms', 'usearch recall@10', 'usearch QPS', 'usearch p50 ms', 'usearch p99 ms', 'QPS ratio'],
    rows,
  };
  const floorRows = m.params.efs.flatMap((ef) =>
    m.params.clients.map((clients) => {
      const a = find(q.points, ef, clients);
      const b = find(m.bareHttp, ef, clients);
      const c = find(raw.points, ef, clients);
      return [
        ef, clients, s(b?.recall, 4), s(b?.run.qps, 0), s(b?.run.p50_ms, 3), s(b?.run.p99_ms, 3),
        b && c ? times(b.run.qps / c.run.qps) : null, a && b ? times(a.run.qps / b.run.qps) : null,
      ];
    }),
  );
  const floor: ReportTable = {
    title: 'The same index behind a bare node:http server (what one HTTP round trip costs here)',
    headers: ['ef', 'clients', 'recall@10', 'QPS', 'p50 ms', 'p99 ms', 'bare HTTP / in-process', 'quiver / bare HTTP'],
    rows: floorRows,
  };
  return [ingest, search, floor];
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
    lines.push(`- **${clients} client(s):** at ef=${v.ef} (smallest ef with recall@10 ≥ ${RECALL_TARGET} on both), HTTP/in-process QPS = **${times(v.ratio)}** (target ≥ ${RATIO_TARGET}×: ${status}).`);
    const bare = find(m.bareHttp, v.ef, clients);
    const q = find(m.quiver.points, v.ef, clients)!;
    const raw = find(m.raw.points, v.ef, clients)!;
    if (bare) {
      lines.push(`  The same index behind a bare \`node:http\` server reaches ${times(bare.run.qps / raw.run.qps)} of in-process there; quiver serves ${times(q.run.qps / bare.run.qps)} of that server's QPS.`);
    }
  }
  if (m.quiver.indexing.indexed_s === null) lines.push('- The server did **not** report the data fully indexed within the timeout; searches ran over whatever segments existed.');
  return lines;
}

const METHOD_NOTES = [
  '- quiver: one standalone process in a fresh data directory; Int64 `id` + FloatVector `vector`, HNSW/L2, one shard. Searches send one query per request (`limit` 10, `searchParams.params.ef`, consistency Eventually) from keep-alive `node:http` clients in a closed loop (a `fetch` client costs several times more CPU per request on this machine, and the load generator shares the cores with the server); bodies are serialised before timing.',
  '- usearch: the same vectors and HNSW parameters (l2sq, connectivity=M, expansion_add=efConstruction) built in the benchmark process with all cores, saved, then opened with `view()` and expansion_search=ef. 1 client = sequential single-query calls; 8 clients = 8 worker threads, each with its own `view()`, pulling queries from a shared counter. Its memory figure is the growth of the benchmark process while building.',
  '- bare HTTP: the in-process index file served by a `node:http` server in its own process that parses the JSON body and searches the first vector (one `view()` per ef, one search per request), with no validation, routing library, logging or metrics; same client and bodies as quiver. It shows what a minimal Node server answering one query per HTTP request delivers on this machine.',
  '- Each setting sends every query once after a short warm-up, `repeats` times; runs of the systems alternate, and each system\'s run with the median QPS is shown. recall@10 is against exact brute-force neighbours. All systems share the machine\'s cores with the load generator, and anything else running on the machine (see load average) skews timings.',
  '- quiver is searched after an explicit full compaction, so it serves one HNSW segment like the in-process index; the loading table shows how long background indexing took on its own.',
];

/** Builds the suite result (and, when the server was profiled, the profile summary). */
export async function buildStandaloneResult(m: StandaloneMeasurements): Promise<SuiteResult> {
  const p = m.params;
  const notes = [...verdictNotes(m), ...METHOD_NOTES];
  if (m.quiver.profileFile) notes.push(...profileNotes(await summarizeProfiles([m.quiver.profileFile]), 'search phase'));
  return {
    suite: 'standalone',
    title: 'standalone: quiver over HTTP vs in-process usearch',
    env: m.env,
    params: {
      dataset: m.dataset, ...commonParams(p), efs: p.efs.join('/'), clients: p.clients.join('/'),
      insert_batch: p.batch, insert_concurrency: p.insertConcurrency, quick: p.quick, profiled: m.quiver.profileFile !== null, load_avg_after: m.loadAfter,
    },
    rows: resultRows(m),
    tables: tables(m),
    notes,
    publishable: !p.quick && m.quiver.profileFile === null,
  };
}
