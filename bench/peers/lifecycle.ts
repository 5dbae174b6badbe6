/**
 * The measures after a system's searches on a dataset, in this order so each sees the data of the
 * one before: insert-to-visible latency while ingesting, then cold start over the persisted data
 * (which now includes the extra rows), then recovery of an indexer with a backlog. A failing
 * measure is recorded in the run's errors and the next one still runs.
 */
import { errorLine } from '../measure.ts';
import { isMeasured, pacePlan, type Measured } from './freshness.ts';
import type { PeersParams } from './params.ts';
import type { SystemRun } from './sweep.ts';
import type { BenchSystem } from './systems/system.ts';

const message = (err: unknown) => errorLine(err, 300);
const ms = (x: number | null) => (x === null ? '—' : `${x.toFixed(1)} ms`);

/** The rate (rows/s) a system showed while loading: quiver's insert rate, else rows over load time. */
export function loadRate(run: SystemRun): number | null {
  if (!run.load) return null;
  const insert = run.load.extra.insert_rows_per_s;
  if (typeof insert === 'number' && insert > 0) return insert;
  return run.load.load_s > 0 ? run.rows / run.load.load_s : null;
}

async function attempt<T extends object>(run: SystemRun, what: string, log: (s: string) => void, tag: string, f: () => Promise<Measured<T>>): Promise<Measured<T>> {
  try {
    return await f();
  } catch (err) {
    run.errors.push(`${what} failed: ${message(err)}`);
    log(`${tag}: ${what} FAILED: ${message(err)}`);
    return null;
  }
}

/** Runs the three measures on a loaded system, filling run.freshness, run.coldStart and run.recovery. */
export async function measureLifecycle(sys: BenchSystem, run: SystemRun, knob: number, p: PeersParams, log: (s: string) => void): Promise<void> {
  const tag = `${sys.name} on ${run.dataset}`;
  const plan = pacePlan(loadRate(run), p.pace);
  run.freshness = await attempt(run, 'insert-to-visible', log, tag, () => sys.freshness(plan));
  const f = run.freshness;
  if (isMeasured(f)) {
    log(`${tag}: insert-to-visible over ${f.markers} batches of ${f.batchRows} at ${f.achievedRowsPerSecond.toFixed(0)} rows/s ` +
      `(target ${f.targetRowsPerSecond}): p50 ${ms(f.p50Ms)}, p99 ${ms(f.p99Ms)}, max ${ms(f.maxMs)}, ${f.neverVisible} never visible within ${f.timeoutSeconds} s`);
  } else if (f) {
    log(`${tag}: insert-to-visible not applicable: ${f.notApplicable}`);
  }
  run.coldStart = await attempt(run, 'cold start', log, tag, () => sys.coldStart(knob, p.k));
  const c = run.coldStart;
  if (isMeasured(c)) {
    log(`${tag}: cold start ${c.seconds.toFixed(c.seconds < 1 ? 3 : 2)} s to the first answer over ${c.rows} rows` +
      `${c.readySeconds === null ? '' : ` (ready after ${c.readySeconds.toFixed(2)} s)`}; ${c.includes}`);
  }
  run.recovery = await attempt(run, 'recovery', log, tag, () => sys.recovery());
  const r = run.recovery;
  if (isMeasured(r)) {
    log(`${tag}: recovery of ${r.backlogRows} backlog rows (${r.backlogRecords ?? '?'} log records): all searchable ${r.seconds.toFixed(2)} s after spawn ` +
      `(shard taken after ${r.assignedSeconds === null ? '?' : r.assignedSeconds.toFixed(2)} s, listening after ${r.readySeconds.toFixed(2)} s); ` +
      `catch-up ${r.doneByFirstRead ? '≤ ' : ''}${r.catchUpSeconds.toFixed(2)} s, ${r.doneByFirstRead ? '≥ ' : ''}${r.rowsPerSecond.toFixed(0)} rows/s`);
  }
}
