/**
 * The measures taken after the search sweep, and their pure parts: how fast to ingest while
 * measuring insert-to-visible latency (pacing), the summary of the measured latencies, and the
 * size of quiver's recovery backlog. The systems (systems/*.ts, python/freshness.py) do the I/O.
 */
import { quantile } from '../measure.ts';

/** A measure that does not apply to a system, with the reason shown in the report. */
export interface NotApplicable {
  notApplicable: string;
}

/** Outcome of a measure: measured, not applicable, or null when it failed (the error is in the run). */
export type Measured<T> = T | NotApplicable | null;

/** True when `m` holds a measured value. */
export function isMeasured<T extends object>(m: Measured<T>): m is T {
  return m !== null && !('notApplicable' in m);
}

/** How the ingest during the insert-to-visible measure is paced. */
export interface PacePlan {
  /** Rows per insert call; the first row of each batch is its marker. */
  batchRows: number;
  /** Target ingest rate, rows per second. */
  rowsPerSecond: number;
  /** How long batches are sent, seconds. */
  durationSeconds: number;
  /** A marker not visible this long after its insert was acknowledged counts as never visible, seconds. */
  timeoutSeconds: number;
  /** Pause between two reads of the prober, milliseconds. */
  pollMs: number;
}

/** Bounds of the pacing, from the suite's parameters. */
export interface PaceLimits {
  batchRows: number;
  durationSeconds: number;
  timeoutSeconds: number;
  pollMs: number;
  /** Highest target rate, rows per second. */
  maxRowsPerSecond: number;
  /** Lowest target rate, rows per second (one batch per second at least). */
  minRowsPerSecond: number;
}

/**
 * The pace for a system that loaded at `loadRowsPerSecond` (rows/s; null or not finite when
 * unknown): half of it, within the limits, so every system ingests at a rate it sustains and the
 * measure is of visibility rather than of a queue building up.
 */
export function pacePlan(loadRowsPerSecond: number | null, l: PaceLimits): PacePlan {
  const known = loadRowsPerSecond !== null && Number.isFinite(loadRowsPerSecond) && loadRowsPerSecond > 0;
  const half = known ? loadRowsPerSecond / 2 : l.minRowsPerSecond;
  const rowsPerSecond = Math.round(Math.min(l.maxRowsPerSecond, Math.max(l.minRowsPerSecond, half)));
  return { batchRows: l.batchRows, rowsPerSecond, durationSeconds: l.durationSeconds, timeoutSeconds: l.timeoutSeconds, pollMs: l.pollMs };
}

/** Milliseconds after the start at which batch `i` (0-based) is due under `plan`. */
export function dueAtMs(i: number, plan: PacePlan): number {
  return (i * plan.batchRows * 1000) / plan.rowsPerSecond;
}

/** How many batches are sent within the plan's duration. */
export function batchCount(plan: PacePlan): number {
  return Math.max(1, Math.ceil((plan.durationSeconds * plan.rowsPerSecond) / plan.batchRows));
}

/**
 * The rows of the `i`-th extra batch: fresh ids from `firstId` on, each a copy of an existing row
 * (`rows` rows exist; the copies cycle through them), so the data keeps its distribution.
 */
export function extraBatch(i: number, batchRows: number, firstId: number, rows: number): { ids: number[]; sources: number[] } {
  const ids: number[] = [];
  const sources: number[] = [];
  for (let j = 0; j < batchRows; j++) {
    const n = i * batchRows + j;
    ids.push(firstId + n);
    sources.push(n % rows);
  }
  return { ids, sources };
}

/** What the insert-to-visible measure found. */
export interface FreshnessOutcome {
  batchRows: number;
  targetRowsPerSecond: number;
  /**
   * Rows inserted over the time from the first send to the last acknowledgement plus one pacing
   * interval (each batch owns one interval, so a run on pace comes out at the target).
   */
  achievedRowsPerSecond: number;
  rowsInserted: number;
  markers: number;
  /** Markers seen; the percentiles are over these. */
  visible: number;
  neverVisible: number;
  timeoutSeconds: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** Median duration of one read of the prober (its resolution together with the poll pause), ms. */
  probeMs: number | null;
  /** How visibility was read, for the report. */
  probe: string;
}

/** Raw observations of one insert-to-visible run. */
export interface FreshnessSample {
  /** Milliseconds from each visible marker's acknowledgement until a read first returned it (negative: seen before the ack arrived). */
  latenciesMs: number[];
  neverVisible: number;
  rowsInserted: number;
  /** Milliseconds from the first send to the last acknowledgement. */
  ingestMs: number;
  probeMs: number[];
}

/** Summarises a run: percentiles over the visible markers (a read that beat the ack counts as 0 ms). */
export function summarizeFreshness(s: FreshnessSample, plan: PacePlan, probe: string): FreshnessOutcome {
  const sorted = Float64Array.from(s.latenciesMs.map((x) => Math.max(0, x))).sort();
  const probes = Float64Array.from(s.probeMs).sort();
  const pick = (q: number) => (sorted.length ? quantile(sorted, q) : null);
  return {
    batchRows: plan.batchRows,
    targetRowsPerSecond: plan.rowsPerSecond,
    achievedRowsPerSecond: s.rowsInserted > 0 ? (s.rowsInserted * 1000) / (s.ingestMs + dueAtMs(1, plan)) : 0,
    rowsInserted: s.rowsInserted,
    markers: sorted.length + s.neverVisible,
    visible: sorted.length,
    neverVisible: s.neverVisible,
    timeoutSeconds: plan.timeoutSeconds,
    p50Ms: pick(0.5),
    p99Ms: pick(0.99),
    maxMs: sorted.length ? sorted[sorted.length - 1] : null,
    probeMs: probes.length ? quantile(probes, 0.5) : null,
    probe,
  };
}

/** Process start to the first answered query over the data loaded before. */
export interface ColdStartOutcome {
  /** Seconds from spawning the process (or opening the file, in process) to the first answer with k hits. */
  seconds: number;
  /** Seconds until the process was ready to take requests (server listening, library imported); null in process. */
  readySeconds: number | null;
  /** Rows the store held. */
  rows: number;
  /** What the time includes, for the report. */
  includes: string;
}

/** An indexer catching up with a backlog left in the log (quiver only). */
export interface RecoveryOutcome {
  backlogRows: number;
  /** Records (insert requests) the log held past the shard's checkpoint when the server was killed. */
  backlogRecords: number | null;
  /** Seconds from spawning the restarted server until every row was searchable through segments. */
  seconds: number;
  /** Seconds from spawning until the server listened. */
  readySeconds: number;
  /** Seconds from spawning until the indexer took the shard and started reading the backlog (its log line); null if not logged. */
  assignedSeconds: number | null;
  /** Seconds from the indexer taking the shard (else from listening) until every row was searchable. */
  catchUpSeconds: number;
  /**
   * True when the first read after the server listened already found every row: the catch-up
   * ended before reads were possible, so catchUpSeconds is an upper bound and the rate a lower one.
   */
  doneByFirstRead: boolean;
  /** Backlog rows over catchUpSeconds. */
  rowsPerSecond: number;
  /** What was measured, for the report. */
  how: string;
}

/** Rows left in the log for the recovery measure: an eighth of the dataset, within [min, max]. */
export function backlogRows(rows: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, Math.round(rows / 8)));
}

/** Wall-clock ms of the first `shard assigned` line in a server's JSON log, or null. */
export function shardAssignedAt(logs: string): number | null {
  for (const line of logs.split('\n')) {
    if (!line.includes('"shard assigned"')) continue;
    try {
      const t = Date.parse(String((JSON.parse(line) as { time?: unknown }).time));
      if (Number.isFinite(t)) return t;
    } catch {
      // Not a JSON line (a partial write): keep looking.
    }
  }
  return null;
}
