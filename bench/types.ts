/**
 * Shapes shared by the suites, the report writer and the command line: suite options, one
 * machine-readable result row, and the human-readable report a suite produces.
 */
import type { RunEnvironment } from './machine.ts';

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

/** One measured configuration, as written to bench/results/<suite>.json. */
export interface ResultRow {
  /** What was measured, e.g. `quiver-http` or `usearch-raw`. */
  system: string;
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
  params: Record<string, ParamValue>;
  run: RunEnvironment;
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
  rows: ResultRow[];
  tables: ReportTable[];
  /** Markdown bullet lines: summary, verdicts, caveats. */
  notes: string[];
  /** Whether the numbers are fit to publish (false for quick and profiled runs). */
  publishable: boolean;
}
