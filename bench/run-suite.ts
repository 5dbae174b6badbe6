/**
 * What a benchmark suite is — its options, its machine-readable result rows and its report — the
 * suites by name, and running one: measure, then record the result as a Markdown section
 * (BENCHMARKS.md by default) and as JSON rows (bench/results/<suite>.json by default).
 */
import { join } from 'node:path';
import { REPO_ROOT, type RunEnvironment } from './measure.ts';
import { writeJsonResults, writeMarkdownSection } from './report.ts';
import { runPeersSuite } from './peers/suite.ts';
import { runClusterSuite } from './suites/cluster.ts';
import { runStandaloneSuite } from './suites/standalone.ts';

/** Options every suite accepts (the command-line flags). */
export interface SuiteOptions {
  /** Small dataset and fewer settings: a correctness run for CI, not a measurement. */
  quick?: boolean;
  rows?: number;
  dim?: number;
  queries?: number;
  /**
   * Run the server under V8's CPU profiler, writing .cpuprofile files here, and add a summary
   * of where its time went to the report.
   */
  profileDir?: string;
  /** Progress lines (default: stdout). */
  log?: (line: string) => void;
}

/** Scalar parameter values recorded with a result. */
export type ParamValue = number | string | boolean | null;

/** What every row of bench/results/<suite>.json holds; suites add their own measured fields. */
export interface SuiteRow {
  /** What was measured, e.g. `quiver-http` or `usearch-raw`. */
  system: string;
  params: Record<string, ParamValue>;
  run: RunEnvironment;
}

/** One measured search configuration, as written to bench/results/<suite>.json. */
export interface ResultRow extends SuiteRow {
  dataset: string;
  /** Concurrent clients. */
  clients: number;
  /** Mean recall@k against exact ground truth. */
  recall: number;
  qps: number;
  p50_ms: number;
  p99_ms: number;
  /** Seconds from the first row sent (or build start) until the data was fully indexed. */
  load_s: number | null;
  /** Resident memory attributable to the system after loading, MiB. */
  rss_mb: number | null;
}

/** A table in a report. */
export interface ReportTable {
  title: string;
  headers: string[];
  rows: (string | number | null)[][];
}

/** What a suite hands back: machine-readable rows and the human-readable report. */
export interface SuiteResult {
  suite: string;
  title: string;
  env: RunEnvironment;
  /** Parameters of the whole run, shown in the report header. */
  params: Record<string, ParamValue>;
  rows: SuiteRow[];
  tables: ReportTable[];
  /** Markdown bullet lines: summary, verdicts, caveats. */
  notes: string[];
  /** Whether the numbers are fit to publish (false for quick and profiled runs). */
  publishable: boolean;
}

/** A named suite. */
export interface Suite {
  description: string;
  run(options: SuiteOptions): Promise<SuiteResult>;
}

/** Every suite, by the name used on the command line. */
export const SUITES: Readonly<Record<string, Suite>> = Object.freeze({
  standalone: {
    description: 'quiver standalone over HTTP vs in-process usearch: ingest, recall, QPS, latency',
    run: runStandaloneSuite,
  },
  cluster: {
    description: 'quiver cluster (2 proxies, 2 indexers) on Kafka, S3 and Redis: ingest vs raw producer, insert-to-searchable latency, search',
    run: runClusterSuite,
  },
  peers: {
    description: 'quiver vs Milvus Lite, Chroma, LanceDB, faiss and raw usearch on real and synthetic datasets (installs them into bench/.cache/peers)',
    run: runPeersSuite,
  },
});

/** Thrown for an unknown suite name or bad options (a usage error, not a failed measurement). */
export class UsageError extends Error {}

/** Where a run's results go. */
export interface RunSuiteOptions extends SuiteOptions {
  /**
   * Markdown file whose section for the suite is replaced. Default: BENCHMARKS.md at the repository
   * root for full runs; quick and profiled runs write nothing unless a path is given, so they never
   * overwrite published numbers. null: do not write.
   */
  markdownPath?: string | null;
  /** JSON results file; same defaults as markdownPath, with bench/results/<suite>.json. */
  jsonPath?: string | null;
}

/** Default output paths of a suite. */
export function defaultOutputs(suite: string): { markdownPath: string; jsonPath: string } {
  return { markdownPath: join(REPO_ROOT, 'BENCHMARKS.md'), jsonPath: join(REPO_ROOT, 'bench', 'results', `${suite}.json`) };
}

/** Runs suite `name` and writes its results; returns them along with where they were written. */
export async function runSuite(name: string, options: RunSuiteOptions = {}): Promise<SuiteResult & { written: string[] }> {
  const suite = Object.hasOwn(SUITES, name) ? SUITES[name] : undefined;
  if (!suite) throw new UsageError(`unknown suite "${name}" (available: ${Object.keys(SUITES).join(', ')})`);
  for (const key of ['rows', 'dim', 'queries'] as const) {
    const v = options[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new UsageError(`${key} must be a positive integer, got ${v}`);
  }
  const result = await suite.run(options);
  const defaults = result.publishable ? defaultOutputs(name) : { markdownPath: null, jsonPath: null };
  const markdownPath = options.markdownPath === undefined ? defaults.markdownPath : options.markdownPath;
  const jsonPath = options.jsonPath === undefined ? defaults.jsonPath : options.jsonPath;
  const written: string[] = [];
  if (markdownPath) {
    await writeMarkdownSection(markdownPath, result);
    written.push(markdownPath);
  }
  if (jsonPath) {
    await writeJsonResults(jsonPath, result);
    written.push(jsonPath);
  }
  return { ...result, written };
}
