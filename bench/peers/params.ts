/**
 * Parameters of the `peers` suite: which datasets and systems, their sizes, the search sweep and
 * the time caps. Defaults fit the full run into an hour on a 2-core machine (installs included);
 * `--quick` shrinks everything to a correctness check. Sizes and selections can be overridden
 * with environment variables (listed in bench/peers/README.md) so a bigger machine can run the
 * sizes the comparison is ultimately meant for (1M × 768-d, 200k × 2048-d).
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../measure.ts';
import type { HnswParams } from '../quiver-server.ts';
import { UsageError, type SuiteOptions } from '../run-suite.ts';
import type { PaceLimits } from './freshness.ts';

/** Every dataset the suite knows, by name. */
export const DATASET_NAMES = ['fashion-mnist-784', 'minilm-debian-384', 'gmm-768', 'gmm-2048'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** Every system the suite knows, by name. */
export const SYSTEM_NAMES = ['quiver-http', 'usearch-raw', 'faiss', 'milvus-lite', 'chroma', 'lancedb'] as const;
export type SystemName = (typeof SYSTEM_NAMES)[number];

/** Recall@10 levels at which systems are compared. */
export const RECALL_TARGETS = [0.9, 0.95, 0.99] as const;

/** Filter selectivities: share of rows a filter accepts, and the filter on the `tag` column (0..99). */
export const FILTERS = [
  { label: '10%', share: 0.1, op: '<', value: 10 },
  { label: '1%', share: 0.01, op: '==', value: 0 },
] as const;
export type FilterSpec = (typeof FILTERS)[number];

/** Resolved parameters of one run. */
export interface PeersParams {
  quick: boolean;
  datasets: DatasetName[];
  systems: SystemName[];
  /** Stored vectors per dataset (capped by what the source holds). */
  rows: Record<DatasetName, number>;
  /** Query vectors per dataset. */
  queries: number;
  /** Exact neighbours kept per query (recall is measured at 10 from these). */
  gtK: number;
  k: number;
  hnsw: HnswParams;
  clients: number[];
  warmup: number;
  /** A sweep stops raising ef once recall@10 reaches this. */
  stopRecall: number;
  /** Cap on one timed search run; a slow system answers fewer queries (never fewer than minQueries). */
  maxRunSeconds: number;
  minQueries: number;
  /** Cap on one system's whole ef sweep on one dataset. */
  sweepSeconds: number;
  /**
   * Once the run has taken this long, the remaining system × dataset measurements are skipped
   * (and reported as skipped), so a slow machine still finishes within its budget.
   */
  budgetSeconds: number;
  /** Ingest while measuring insert-to-visible latency (after the searches of each dataset). */
  pace: PaceLimits;
  /** Rows quiver's recovery measure leaves in the log: a fixed count, or an eighth of the dataset within [min, max]. */
  backlog: { rows: number | null; min: number; max: number };
  /** Where downloads, venvs, embeddings and ground truth are kept between runs. */
  cacheDir: string;
  /** Where the recall/QPS charts are written. */
  chartDir: string;
}

function envInt(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`${name} must be a positive integer, got "${v}"`);
  return Number(v);
}

function envList<T extends string>(name: string, known: readonly T[], fallback: T[]): T[] {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return fallback;
  const picked = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of picked) if (!known.includes(p as T)) throw new UsageError(`${name}: unknown "${p}" (known: ${known.join(', ')})`);
  return picked as T[];
}

/**
 * Default stored vectors of each dataset for full and quick runs. Quick runs use 5,000 rows:
 * quiver builds an HNSW segment from that many rows on (its default indexer.hnswMinRows).
 */
export const DEFAULT_ROWS: Record<DatasetName, { full: number; quick: number }> = {
  'fashion-mnist-784': { full: 60_000, quick: 5000 },
  'minilm-debian-384': { full: 50_000, quick: 5000 },
  'gmm-768': { full: 40_000, quick: 5000 },
  'gmm-2048': { full: 15_000, quick: 5000 },
};

/** Defaults, then command-line options, then environment overrides. */
export function peersParams(o: SuiteOptions): PeersParams {
  const quick = o.quick ?? false;
  if (o.dim !== undefined) throw new UsageError('peers: --dim does not apply (each dataset has its own dimension)');
  if (o.profileDir !== undefined) throw new UsageError('peers: --profile is not supported');
  const rows = {} as Record<DatasetName, number>;
  for (const name of DATASET_NAMES) {
    const envName = `BENCH_PEERS_ROWS_${name.replace(/[^a-z0-9]/gi, '_').toUpperCase()}`;
    rows[name] = envInt(envName) ?? o.rows ?? (quick ? DEFAULT_ROWS[name].quick : DEFAULT_ROWS[name].full);
  }
  const quickSystems: SystemName[] = ['quiver-http', 'usearch-raw', 'faiss', 'chroma'];
  const queries = o.queries ?? (quick ? 100 : 1000);
  const cacheDir = join(REPO_ROOT, 'bench', '.cache', 'peers');
  return {
    quick,
    datasets: envList('BENCH_PEERS_DATASETS', DATASET_NAMES, [...DATASET_NAMES]),
    systems: envList('BENCH_PEERS_SYSTEMS', SYSTEM_NAMES, quick ? quickSystems : [...SYSTEM_NAMES]),
    rows,
    queries,
    gtK: 100,
    k: 10,
    hnsw: { M: 16, efConstruction: 128 },
    clients: [1, 8],
    warmup: Math.min(quick ? 10 : 50, queries),
    stopRecall: 0.99,
    maxRunSeconds: quick ? 2 : 4,
    minQueries: Math.min(quick ? 50 : 200, queries),
    sweepSeconds: quick ? 15 : 60,
    budgetSeconds: envInt('BENCH_PEERS_BUDGET_S') ?? (quick ? 240 : 3300),
    pace: {
      batchRows: 100,
      durationSeconds: envInt('BENCH_PEERS_FRESHNESS_S') ?? (quick ? 3 : 10),
      timeoutSeconds: quick ? 5 : 10,
      pollMs: 5,
      maxRowsPerSecond: quick ? 500 : 1000,
      minRowsPerSecond: 100,
    },
    backlog: { rows: envInt('BENCH_PEERS_BACKLOG_ROWS') ?? null, min: 1000, max: 10_000 },
    cacheDir,
    chartDir: quick ? join(cacheDir, 'charts-quick') : join(REPO_ROOT, 'bench', 'charts'),
  };
}
