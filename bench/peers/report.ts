/**
 * Turns the suite's measurements into JSON rows (one per system × dataset × setting), report
 * tables (systems, loading and memory, QPS at the recall targets, filtered search, and the
 * lifecycle measures of lifecycle-report.ts), and notes:
 * what could not be installed or run and why, the verdicts, and how the numbers were taken.
 */
import { round, type RunEnvironment } from '../measure.ts';
import type { ParamValue, ReportTable, ResultRow, SuiteRow } from '../run-suite.ts';
import { lifecycleRows, lifecycleTables } from './lifecycle-report.ts';
import { FILTERS, RECALL_TARGETS, type PeersParams } from './params.ts';
import { knobFor, type SystemRun } from './sweep.ts';
import { pointAt } from './verdicts.ts';

/** Datasets with where they came from, or why they are missing. */
export interface DatasetStatus {
  name: string;
  rows: number | null;
  dim: number | null;
  metric: string | null;
  source: string | null;
  error: string | null;
  notes: string[];
}

const perMillion = (mb: number | null | undefined, rows: number) => (mb === null || mb === undefined ? null : round((mb / rows) * 1e6, 0));

/**
 * Result rows: every measured point of every run, then one row per run and lifecycle measure
 * (`measure`: insert_to_visible, cold_start, recovery; see lifecycle-report.ts).
 */
export function resultRows(runs: SystemRun[], datasets: DatasetStatus[], env: RunEnvironment, p: PeersParams): SuiteRow[] {
  return [...searchRows(runs, datasets, env, p), ...lifecycleRows(runs, env)];
}

function searchRows(runs: SystemRun[], datasets: DatasetStatus[], env: RunEnvironment, p: PeersParams): ResultRow[] {
  return runs.flatMap((r) => {
    const load = r.load;
    if (!load) return [];
    const ds = datasets.find((d) => d.name === r.dataset);
    return r.points.map((pt) => {
      const filter = FILTERS.find((f) => f.label === pt.filter);
      const params: Record<string, ParamValue> = {
        knob: load.knob, [load.knob]: pt.knob, filter: filter ? `tag ${filter.op} ${filter.value}` : null, selectivity: filter?.share ?? 1,
        rows: r.rows, dim: r.dim, metric: ds?.metric ?? null, k: p.k, queries_answered: pt.answered,
        index: load.index, version: r.version, rss_total_mb: load.rss_total_mb, mb_per_million: perMillion(load.rss_mb, r.rows),
        ...load.extra,
      };
      return {
        system: r.system, dataset: r.dataset, clients: pt.clients, recall: round(pt.recall, 4), qps: round(pt.summary.qps, 1),
        p50_ms: round(pt.summary.p50_ms, 3), p99_ms: round(pt.summary.p99_ms, 3), load_s: round(load.load_s, 2),
        rss_mb: load.rss_mb === null ? null : round(load.rss_mb, 1), params, run: env,
      };
    });
  });
}

/** The report tables. */
export function reportTables(runs: SystemRun[], datasets: DatasetStatus[], unavailable: { system: string; reason: string }[], p: PeersParams): ReportTable[] {
  const dsTable: ReportTable = {
    title: 'Datasets',
    headers: ['dataset', 'rows', 'dim', 'metric', 'source / status'],
    rows: datasets.map((d) => [d.name, d.rows, d.dim, d.metric, d.error ? `**not available:** ${d.error}` : d.source]),
  };
  const systems = [...new Set(runs.map((r) => r.system))];
  const sysTable: ReportTable = {
    title: 'Systems',
    headers: ['system', 'version', 'index and search knob', 'status'],
    rows: [
      ...systems.map((s) => {
        const mine = runs.filter((r) => r.system === s);
        const loaded = mine.find((r) => r.load);
        const failed = mine.filter((r) => r.errors.length).map((r) => `${r.dataset}: ${r.errors.join('; ')}`);
        return [s, mine[0].version, loaded?.load ? `${loaded.load.index}; knob ${loaded.load.knob}` : null, failed.length ? failed.join(' / ') : 'ok'];
      }),
      ...unavailable.map((u) => [u.system, null, null, `**not available:** ${u.reason}`]),
    ],
  };
  const loadTable: ReportTable = {
    title: 'Loading and memory',
    headers: ['dataset', 'system', 'rows', 'load s (until searchable via its index)', 'RSS growth MiB', 'MiB per 1M vectors', 'total RSS MiB'],
    rows: runs.filter((r) => r.load).map((r) => [r.dataset, r.system, r.rows, round(r.load!.load_s, 1), r.load!.rss_mb, perMillion(r.load!.rss_mb, r.rows), r.load!.rss_total_mb]),
  };
  const targetHeaders = RECALL_TARGETS.map((t) => `QPS @${t.toFixed(2)}`);
  const searchTable: ReportTable = {
    title: `Search: QPS at the smallest knob reaching each recall@${p.k} target ("—": never reached)`,
    headers: ['dataset', 'system', 'clients', ...targetHeaders, 'knob @0.95', 'p50 / p99 ms @0.95', 'best recall'],
    rows: runs.filter((r) => r.load).flatMap((r) =>
      p.clients.map((c) => {
        const at = RECALL_TARGETS.map((t) => pointAt(r, t, c));
        const p95 = at[1];
        const best = Math.max(0, ...r.points.filter((x) => x.filter === null).map((x) => x.recall));
        const knob = knobFor(r.points, 0.95);
        return [
          r.dataset, r.system, c, ...at.map((x) => (x ? round(x.summary.qps, 0) : null)),
          knob === null ? null : `${r.load!.knob}=${knob}`,
          p95 ? `${round(p95.summary.p50_ms, 2)} / ${round(p95.summary.p99_ms, 2)}` : null, round(best, 4),
        ];
      }),
    ),
  };
  const filterTable: ReportTable = {
    title: `Filtered search (1 client; knob that first reached recall@${p.k} ≥ 0.95 unfiltered)`,
    headers: ['dataset', 'system', 'selectivity', 'knob', `recall@${p.k}`, 'QPS', 'p99 ms'],
    rows: runs.flatMap((r) =>
      r.points.filter((x) => x.filter !== null).map((x) => [r.dataset, r.system, x.filter, `${r.load!.knob}=${x.knob}`, round(x.recall, 4), round(x.summary.qps, 0), round(x.summary.p99_ms, 2)]),
    ),
  };
  return [dsTable, sysTable, loadTable, searchTable, filterTable, ...lifecycleTables(runs, p)];
}

/** How the numbers were taken. */
export function methodNotes(p: PeersParams): string[] {
  return [
    `- Every system gets the same vectors, queries and \`tag\` column (0–99, a fixed hash of the row number); filters are \`tag < 10\` (10%) and \`tag == 0\` (1%). Recall@${p.k} is against exact neighbours (brute force, cached with the top ${p.gtK}); filtered recall against the exact top ${p.k} among the accepted rows. Cosine datasets hold unit vectors.`,
    `- HNSW systems are built with M=${p.hnsw.M}, efConstruction=${p.hnsw.efConstruction} (Chroma: max_neighbors, ef_construction) and swept over ef; LanceDB uses IVF_FLAT and sweeps nprobes. A sweep stops once recall@${p.k} ≥ ${p.stopRecall} or after ${p.sweepSeconds} s; the knob values that first reach each target are repeated with ${p.clients.filter((c) => c > 1).join('/')} clients.`,
    `- One timed run answers every query once (${p.queries} queries, after ${p.warmup} warm-up queries), or stops after ${p.maxRunSeconds} s once ${p.minQueries} were answered; QPS is answered queries over wall time, latency is per query as the client sees it.`,
    '- quiver runs as one standalone server per dataset, searched over HTTP (one query per request, consistency Eventually, keep-alive HTTP clients in this process) after a full compaction; its load time is from the first insert until every row is in an HNSW segment. The peers run embedded in one Python process per dataset (Milvus Lite: pymilvus talking to the milvus-lite server it starts), timed in that process with Python threads as clients; usearch and faiss are in-process libraries, the upper limit. So quiver alone pays for HTTP and JSON on every query.',
    '- Memory is the growth of the resident set of the system\'s processes (quiver: the server, once idle and its resident set stopped shrinking; peers: the driver and its children; usearch: this benchmark process while building) from before loading to after; "MiB per 1M vectors" scales it by the rows. It is noisy for the Python peers (allocator caches).',
    '- Two cores are shared by the systems, the clients and anything else running on the machine (see the load average), so absolute numbers are low and noisy; compare systems within one run.',
  ];
}
