/**
 * Measures one system on one dataset: load it, sweep its knob upwards with one client until
 * recall@10 stops mattering (or the sweep's time cap), repeat the knob values that first reach
 * each recall target with more clients, and run the filtered searches at the knob that first
 * reached 0.95; then the measures of lifecycle.ts (freshness, cold start, recovery). A failure
 * at any step is recorded with its reason; what was measured is kept.
 */
import type { LatencySummary } from '../measure.ts';
import { errorLine, nowMs } from '../measure.ts';
import { recallOf, type PeerDataset } from './data/dataset.ts';
import type { ColdStartOutcome, FreshnessOutcome, Measured, RecoveryOutcome } from './freshness.ts';
import { measureLifecycle } from './lifecycle.ts';
import { FILTERS, RECALL_TARGETS, type DatasetName, type PeersParams } from './params.ts';
import type { BenchSystem, LoadOutcome, SearchLimits } from './systems/system.ts';

/** One measured setting. */
export interface SweepPoint {
  knob: number;
  clients: number;
  /** Filter label (`10%`, `1%`) or null for unfiltered search. */
  filter: string | null;
  recall: number;
  /** Queries answered in the timed run. */
  answered: number;
  summary: LatencySummary;
}

/** Everything measured for one system on one dataset. */
export interface SystemRun {
  system: string;
  version: string;
  dataset: DatasetName;
  rows: number;
  dim: number;
  load: LoadOutcome | null;
  points: SweepPoint[];
  /** Why the system could not be loaded or a step failed. */
  errors: string[];
  /** Insert-to-visible latency while ingesting after the searches (absent: not reached). */
  freshness?: Measured<FreshnessOutcome>;
  coldStart?: Measured<ColdStartOutcome>;
  recovery?: Measured<RecoveryOutcome>;
  /** Why the lifecycle measures were not taken on this run, when skipped on purpose. */
  lifecycleSkipped?: string;
}

const message = (err: unknown) => errorLine(err, 300);

/** Smallest knob (1-client, unfiltered) reaching `target`, or null. */
export function knobFor(points: SweepPoint[], target: number): number | null {
  const hit = points.filter((x) => x.clients === 1 && x.filter === null && x.recall >= target).sort((a, b) => a.knob - b.knob)[0];
  return hit ? hit.knob : null;
}

/**
 * Runs the whole measurement of `sys` on `data`; the system is unloaded afterwards. With
 * `lifecycleSkipped` (a reason) the lifecycle measures are left out.
 */
export async function measureSystem(sys: BenchSystem, data: PeerDataset, p: PeersParams, log: (s: string) => void, lifecycleSkipped?: string): Promise<SystemRun> {
  const run: SystemRun = { system: sys.name, version: sys.version, dataset: data.name, rows: data.ds.spec.rows, dim: data.ds.spec.dim, load: null, points: [], errors: [] };
  const limits: SearchLimits = { k: p.k, warmup: p.warmup, maxSeconds: p.maxRunSeconds, minQueries: p.minQueries };
  const tag = `${sys.name} on ${data.name}`;
  try {
    log(`${tag}: loading ${data.ds.spec.rows} rows`);
    run.load = await sys.load(data);
    const mem = run.load.rss_mb === null ? '' : `, +${run.load.rss_mb.toFixed(0)} MiB resident`;
    log(`${tag}: searchable after ${run.load.load_s.toFixed(1)} s${mem} (${run.load.index})`);
  } catch (err) {
    run.errors.push(`load failed: ${message(err)}`);
    log(`${tag}: LOAD FAILED: ${message(err)}`);
    await sys.unload().catch(() => undefined);
    return run;
  }
  const measure = async (knob: number, clients: number, filterIndex: number | null): Promise<SweepPoint | null> => {
    const filter = filterIndex === null ? null : FILTERS[filterIndex];
    try {
      const out = await sys.search(knob, clients, filter, limits);
      const gt = filterIndex === null ? data.gt : data.filtered[filterIndex].gt;
      const point: SweepPoint = { knob, clients, filter: filter?.label ?? null, recall: recallOf(gt, out.ids, p.k), answered: out.ids.length, summary: out.summary };
      run.points.push(point);
      log(`${tag}: ${run.load!.knob}=${knob} clients=${clients}${filter ? ` filter ${filter.label}` : ''}: recall@10 ${point.recall.toFixed(4)}, ` +
        `${point.summary.qps.toFixed(0)} QPS, p50 ${point.summary.p50_ms.toFixed(2)} ms, p99 ${point.summary.p99_ms.toFixed(2)} ms (${point.answered} queries)`);
      return point;
    } catch (err) {
      run.errors.push(`${run.load!.knob}=${knob} clients=${clients}${filter ? ` filter ${filter.label}` : ''}: ${message(err)}`);
      log(`${tag}: search FAILED: ${message(err)}`);
      return null;
    }
  };
  try {
    const started = nowMs();
    for (const knob of run.load.knobs) {
      const point = await measure(knob, 1, null);
      if (!point || point.recall >= p.stopRecall) break;
      if ((nowMs() - started) / 1000 > p.sweepSeconds) {
        run.errors.push(`sweep stopped at ${run.load.knob}=${knob} after its ${p.sweepSeconds} s cap`);
        break;
      }
    }
    const single = run.points.filter((x) => x.clients === 1);
    const best = single.slice().sort((a, b) => b.recall - a.recall)[0];
    const chosen = new Set<number>();
    for (const target of RECALL_TARGETS) {
      const knob = knobFor(run.points, target);
      if (knob !== null) chosen.add(knob);
    }
    if (chosen.size === 0 && best) chosen.add(best.knob);
    for (const clients of p.clients.filter((c) => c > 1)) {
      for (const knob of [...chosen].sort((a, b) => a - b)) await measure(knob, clients, null);
    }
    if (sys.filters && best) {
      const knob = knobFor(run.points, 0.95) ?? best.knob;
      for (let i = 0; i < FILTERS.length; i++) await measure(knob, 1, i);
    }
    if (lifecycleSkipped) run.lifecycleSkipped = lifecycleSkipped;
    else await measureLifecycle(sys, run, knobFor(run.points, 0.95) ?? best?.knob ?? run.load.knobs[0], p, log);
  } finally {
    await sys.unload().catch((err: unknown) => run.errors.push(`unload failed: ${message(err)}`));
  }
  return run;
}
