/**
 * What the suite needs from a benchmarked system: load a dataset (timed until every row is
 * searchable through the index the searches use), report its memory, and answer single-query
 * searches for one value of its speed/recall knob with 1 or more concurrent clients, optionally
 * filtered on the `tag` column.
 */
import type { LatencySummary } from '../../measure.ts';
import type { FilterSpec } from '../params.ts';
import type { PeerDataset } from '../data/dataset.ts';

/** The outcome of loading one dataset into a system. */
export interface LoadOutcome {
  /** Seconds from the first row handed over until everything is searchable through the index. */
  load_s: number;
  /** Resident memory growth of the system's processes from before loading to after, MiB. */
  rss_mb: number | null;
  /** Total resident memory of the system's processes after loading, MiB (null when in-process). */
  rss_total_mb: number | null;
  /** What was built, e.g. `HNSW M=16 efConstruction=128`. */
  index: string;
  /** Name of the search knob and the values to sweep, ascending (more recall, less speed). */
  knob: string;
  knobs: number[];
  /** Extra facts for the report and the JSON rows. */
  extra: Record<string, number | string | null>;
}

/** One timed search run. */
export interface SearchOutcome {
  /** ids of the answered queries, query 0 first; a slow system may answer only a prefix. */
  ids: number[][];
  /** QPS over the run's wall time and client-side latency percentiles. */
  summary: LatencySummary;
}

/** A system under test. */
export interface BenchSystem {
  name: string;
  /** Library or server version shown in the report. */
  version: string;
  /** Whether filtered searches are possible through this system's API. */
  filters: boolean;
  load(data: PeerDataset): Promise<LoadOutcome>;
  /**
   * Searches queries 0.. in a closed loop with `clients` concurrent clients until all are
   * answered, or `maxSeconds` passed and at least `minQueries` were answered.
   */
  search(knob: number, clients: number, filter: FilterSpec | null, limits: SearchLimits): Promise<SearchOutcome>;
  /** Drops the loaded dataset (and stops any server); the system can load the next one. */
  unload(): Promise<void>;
  /** Releases everything. */
  close(): Promise<void>;
}

/** Bounds of one timed run. */
export interface SearchLimits {
  k: number;
  warmup: number;
  maxSeconds: number;
  minQueries: number;
}
