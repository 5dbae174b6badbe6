/**
 * The report's part for the measures after the searches (lifecycle.ts): JSON rows (one per
 * system × dataset × measure, `measure` naming it), two tables (insert-to-visible latency while
 * ingesting; cold start and recovery) and notes (how each was taken, and why a measure does not
 * apply to a system). Not applicable shows as "—" in the tables and with its reason in the notes
 * and rows; a failed measure shows as failed, its error in the run's errors.
 */
import { round, type RunEnvironment } from '../measure.ts';
import type { ReportTable, SuiteRow } from '../run-suite.ts';
import { isMeasured, type Measured } from './freshness.ts';
import type { PeersParams } from './params.ts';
import type { SystemRun } from './sweep.ts';

type Kind = 'freshness' | 'coldStart' | 'recovery';
const MEASURES: Record<Kind, { name: string; error: string }> = {
  freshness: { name: 'insert_to_visible', error: 'insert-to-visible' },
  coldStart: { name: 'cold_start', error: 'cold start' },
  recovery: { name: 'recovery', error: 'recovery' },
};

const r2 = (x: number | null) => (x === null ? null : round(x, 2));

/** Status of a measure in a run: measured, not applicable (reason), failed (error), or not reached. */
function status(run: SystemRun, kind: Kind, m: Measured<object> | undefined): { notApplicable: string | null; error: string | null } {
  if (m === undefined) return { notApplicable: null, error: run.lifecycleSkipped ? `not measured: ${run.lifecycleSkipped}` : 'not reached (the run stopped before)' };
  if (m === null) return { notApplicable: null, error: run.errors.find((e) => e.startsWith(`${MEASURES[kind].error} failed`)) ?? 'failed' };
  return { notApplicable: 'notApplicable' in m ? m.notApplicable : null, error: null };
}

/** JSON rows of the lifecycle measures. */
export function lifecycleRows(runs: SystemRun[], env: RunEnvironment): SuiteRow[] {
  return runs.filter((r) => r.load).flatMap((r) => {
    const base = (kind: Kind, m: Measured<object> | undefined) => ({
      system: r.system, dataset: r.dataset, measure: MEASURES[kind].name, not_applicable: status(r, kind, m).notApplicable, error: status(r, kind, m).error,
      params: { rows: r.rows, dim: r.dim, version: r.version }, run: env,
    });
    const f = r.freshness;
    const c = r.coldStart;
    const v = r.recovery;
    return [
      {
        ...base('freshness', f),
        ...(f && isMeasured(f) ? {
          p50_ms: r2(f.p50Ms), p99_ms: r2(f.p99Ms), max_ms: r2(f.maxMs), markers: f.markers, never_visible: f.neverVisible,
          timeout_s: f.timeoutSeconds, batch_rows: f.batchRows, target_rows_per_s: f.targetRowsPerSecond,
          achieved_rows_per_s: round(f.achievedRowsPerSecond, 1), rows_inserted: f.rowsInserted, probe_p50_ms: r2(f.probeMs), probe: f.probe,
        } : {}),
      },
      { ...base('coldStart', c), ...(c && isMeasured(c) ? { seconds: round(c.seconds, 3), ready_s: c.readySeconds === null ? null : round(c.readySeconds, 3), store_rows: c.rows, includes: c.includes } : {}) },
      {
        ...base('recovery', v),
        ...(v && isMeasured(v) ? {
          backlog_rows: v.backlogRows, backlog_records: v.backlogRecords, seconds: round(v.seconds, 3), ready_s: round(v.readySeconds, 3),
          shard_taken_s: v.assignedSeconds === null ? null : round(v.assignedSeconds, 3), catch_up_s: round(v.catchUpSeconds, 3),
          done_by_first_read: v.doneByFirstRead, rows_per_s: round(v.rowsPerSecond, 1), how: v.how,
        } : {}),
      },
    ];
  });
}

const cellOf = (run: SystemRun, kind: Kind, m: Measured<object> | undefined): string | null => {
  const s = status(run, kind, m);
  if (!s.error) return null;
  return m === undefined ? 'not measured' : 'failed';
};

/** The two tables of the lifecycle measures. */
export function lifecycleTables(runs: SystemRun[], p: PeersParams): ReportTable[] {
  const loaded = runs.filter((r) => r.load);
  const fresh: ReportTable = {
    title: `Insert-to-visible latency while ingesting (batches of ${p.pace.batchRows} rows for ${p.pace.durationSeconds} s; from the insert's acknowledgement until a read returns the batch's marker row)`,
    headers: ['dataset', 'system', 'rows/s target / achieved', 'batches', 'p50 ms', 'p99 ms', 'max ms', `never visible (${p.pace.timeoutSeconds} s)`, 'probe read p50 ms'],
    rows: loaded.map((r) => {
      const f = r.freshness;
      if (!f || !isMeasured(f)) return [r.dataset, r.system, cellOf(r, 'freshness', f), null, null, null, null, null, null];
      return [r.dataset, r.system, `${f.targetRowsPerSecond} / ${round(f.achievedRowsPerSecond, 0)}`, f.markers, r2(f.p50Ms), r2(f.p99Ms), r2(f.maxMs), f.neverVisible, r2(f.probeMs)];
    }),
  };
  const restart: ReportTable = {
    title: 'Cold start (process start to the first answered query over the stored data) and recovery (indexer restarted with a backlog in its log)',
    headers: ['dataset', 'system', 'rows stored', 'cold start s', 'ready s', 'backlog rows', 'recovery s (spawn → all searchable)', 'catch-up s (shard taken → all searchable)', 'catch-up rows/s'],
    rows: loaded.map((r) => {
      const c = r.coldStart;
      const v = r.recovery;
      const cm = c && isMeasured(c) ? c : null;
      const vm = v && isMeasured(v) ? v : null;
      return [
        r.dataset, r.system, cm?.rows ?? null, cm ? round(cm.seconds, 3) : cellOf(r, 'coldStart', c), cm?.readySeconds == null ? null : round(cm.readySeconds, 2),
        vm?.backlogRows ?? null, vm ? round(vm.seconds, 2) : cellOf(r, 'recovery', v),
        vm ? `${vm.doneByFirstRead ? '≤ ' : ''}${round(vm.catchUpSeconds, 2)}` : null, vm ? `${vm.doneByFirstRead ? '≥ ' : ''}${round(vm.rowsPerSecond, 0)}` : null,
      ];
    }),
  };
  return [fresh, restart];
}

/** How the lifecycle measures were taken, what each system's times include, and what does not apply. */
export function lifecycleNotes(runs: SystemRun[], p: PeersParams): string[] {
  const out = [
    `- Insert-to-visible: after a dataset's searches, each system keeps ingesting batches of ${p.pace.batchRows} fresh rows (new ids, copies of stored vectors) for ${p.pace.durationSeconds} s, one insert call at a time, paced at half the insert rate it showed while loading (between ${p.pace.minRowsPerSecond} and ${p.pace.maxRowsPerSecond} rows/s); a prober reads the batches' first rows by id every ${p.pace.pollMs} ms plus its own read time. Latency is from the insert's acknowledgement until the first read that returned the row, so it includes up to one probe read; a row not returned within ${p.pace.timeoutSeconds} s counts as never visible.`,
    '- Cold start runs after the insert-to-visible measure, so the store holds the extra rows; quiver\'s server stops with SIGTERM and a new one starts over the same data directory. Recovery (quiver only): a server started with `QUIVER_FLUSH_INTERVAL_MS=60000` and `QUIVER_MAX_BUFFER_ROWS` above the backlog takes the backlog\'s inserts (acknowledged, so durable in the embedded log, and checked to be past the shard\'s checkpoint and not searchable), is killed with SIGKILL, and a server with default settings starts over the directory; the time runs from its spawn until count(*) at consistency Eventually (segments only) holds every row. Catch-up runs from the indexer taking the shard (its `shard assigned` log line, which names the checkpoint it resumes after) to that moment; reads are only possible once the server listens, so when the first read already found every row the catch-up is shown as an upper bound (≤) and the rate as a lower bound (≥).',
  ];
  const seen = new Set<string>();
  for (const r of runs) {
    for (const [kind, m] of [['freshness', r.freshness], ['coldStart', r.coldStart], ['recovery', r.recovery]] as const) {
      if (!m) continue;
      const line = 'notApplicable' in m
        ? `- ${r.system}: ${MEASURES[kind].error} does not apply: ${m.notApplicable}.`
        : kind === 'coldStart' && 'includes' in m ? `- ${r.system}: cold start includes ${m.includes}.`
          : kind === 'freshness' && 'probe' in m ? `- ${r.system}: insert-to-visible reads with ${m.probe}.` : null;
      if (line && !seen.has(line)) {
        seen.add(line);
        out.push(line);
      }
    }
  }
  return out;
}
