/**
 * What the suite needs from a benchmarked system: load a dataset (timed until every row is
 * searchable through the index the searches use), report its memory, and answer single-query
 * searches for one value of its speed/recall knob with 1 or more concurrent clients, optionally
 * filtered on the `tag` column; then ingest under a read probe, restart, and recover.
 */
import type { LatencySummary } from '../../measure.ts';
import type { FilterSpec } from '../params.ts';
import type { PeerDataset } from '../data/dataset.ts';
import type { ColdStartOutcome, FreshnessOutcome, NotApplicable, PacePlan, RecoveryOutcome } from '../freshness.ts';

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
  /**
   * Keeps ingesting fresh rows (ids from the dataset's row count on) at the plan's pace and times
   * each batch from its acknowledgement until a read first returns its marker row. Rejects on a
   * failed insert or read.
   */
  freshness(plan: PacePlan): Promise<FreshnessOutcome | NotApplicable>;
  /**
   * Stops what serves the loaded data, keeping it on disk, and times a fresh start until a search
   * for query 0 at `knob` answers `k` hits. The system stays loaded (from the new start).
   */
  coldStart(knob: number, k: number): Promise<ColdStartOutcome | NotApplicable>;
  /** Times an indexer catching up with a backlog left in its log (after coldStart). */
  recovery(): Promise<RecoveryOutcome | NotApplicable>;
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
