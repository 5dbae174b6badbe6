/** The chaos run's printed report. Its last line is the one-line summary CI greps for. */
import type { NotableLine } from './chaos-cluster.ts';
import type { CheckResult } from './checker.ts';
import type { History } from './history.ts';
import type { FaultKind } from './faults.ts';
import type { ShardObservation } from './manifest-monitor.ts';
import type { ReadTally } from './workload.ts';

export interface RunSummary {
  seed: number;
  mode: string;
  durations: Record<string, number>;
  history: History;
  reads: Record<string, ReadTally>;
  readFailures: Map<string, [number, string]>;
  staleExamples: string[];
  faults: Array<{ kind: FaultKind; at: number; ms: number; what: string }>;
  check: CheckResult | null;
  settleAttempts: number;
  fencing: { observations: number; owners: number; generations: number; violations: string[]; fencedLogLines: number; restoredLogLines: number };
  segments: { checked: number; missing: string[] } | null;
  crashes: string[];
  errors: string[];
  /** When the workload started, ms since the epoch: fault and log times count from it. */
  startedAt: number;
  /** Per role, the latest warnings and errors of its processes, printed when the run failed. */
  notable: Record<string, NotableLine[]>;
  /** Every shard's manifest as last observed, printed when the run failed. */
  manifests: ShardObservation[];
}

/** Every check that failed, as lines; empty when the run passed. */
export function failures(s: RunSummary): string[] {
  const out: string[] = [...s.errors];
  if (!s.check) out.push('the final state could not be read');
  else if (!s.check.ok) out.push(`consistency check failed:\n  ${s.check.problems.join('\n  ')}`);
  const stale = Object.values(s.reads).reduce((n, t) => n + t.stale, 0);
  if (stale > 0) out.push(`${stale} read(s) right after an acknowledged write missed it:\n  ${s.staleExamples.join('\n  ')}`);
  if (s.fencing.violations.length > 0) out.push(`fencing: ${s.fencing.violations.join('; ')}`);
  if (s.segments?.missing.length) out.push(`manifests name missing segments:\n  ${s.segments.missing.slice(0, 10).join('\n  ')}`);
  else if (!s.segments) out.push('segment references were not checked');
  for (const c of s.crashes) out.push(`crash: ${c}`);
  return out;
}

export function formatReport(s: RunSummary): string {
  const c = s.history.counts();
  const lines: string[] = [];
  const kinds = ['insert', 'upsert', 'delete'] as const;
  lines.push('', `==== chaos report (${s.mode}, seed ${s.seed}) ====`);
  lines.push('operations (requests)     attempted  acknowledged  failed(clear)  ambiguous');
  for (const k of kinds) {
    const o = c.byKind[k];
    lines.push(`  ${k.padEnd(22)} ${row(o.acked + o.failed + o.ambiguous, o.acked, o.failed, o.ambiguous)}`);
  }
  lines.push(`  ${'all'.padEnd(22)} ${row(c.attempted, c.acked, c.failed, c.ambiguous)}`);
  lines.push(`acknowledged key writes: ${c.ackedKeyWrites}`);
  for (const outcome of ['failed', 'ambiguous'] as const) {
    const r = s.history.reasons(outcome);
    if (r.length) lines.push(`${outcome} by reason:`, ...r.map(([k, n, msg]) => `  ${k} ×${n}, e.g. ${msg}`));
  }
  for (const [level, t] of Object.entries(s.reads)) lines.push(`${level} reads after acknowledged writes: ok ${t.ok}, stale ${t.stale}, failed with an error ${t.failed}`);
  if (s.readFailures.size) lines.push('read failures:', ...[...s.readFailures].map(([k, [n, msg]]) => `  ${k} ×${n}, e.g. ${msg}`));
  const byKind = new Map<string, number>();
  for (const f of s.faults) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
  lines.push(`faults injected: ${s.faults.length} (${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')})`);
  for (const f of s.faults) lines.push(`  t+${(f.at / 1000).toFixed(0).padStart(4)} s  ${f.kind.padEnd(14)} ${(f.ms / 1000).toFixed(1).padStart(5)} s  ${f.what}`);
  if (s.check) {
    const k = s.check;
    lines.push(`final state (after ${s.settleAttempts} read(s)): keys ${k.keys}, pinned by an acknowledged write ${k.pinnedKeys}, count(*) ${k.countStar} in [${k.countBounds[0]}, ${k.countBounds[1]}]`);
    lines.push(`  lost ${k.lost}, duplicated ${k.duplicated}, corrupted ${k.corrupted}, unexpected ${k.unexpected}; unacknowledged writes found applied ${k.unackedApplied}`);
  }
  const f = s.fencing;
  lines.push(`fencing: ${f.observations} manifest observations, ${f.owners} shard owners (generation/epoch), ${f.generations} coordinator generation(s), violations ${f.violations.length}; indexer log: ${f.fencedLogLines} fenced publish(es) refused, ${f.restoredLogLines} restore(s)`);
  if (s.segments) lines.push(`segments named by the final manifests: ${s.segments.checked}, missing ${s.segments.missing.length}`);
  lines.push(`crashes: ${s.crashes.length}`);
  lines.push(`durations: ${Object.entries(s.durations).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);
  const failed = failures(s);
  const since = (at: number) => `t+${((at - s.startedAt) / 1000).toFixed(1)} s`;
  if (failed.length > 0 && s.manifests.length > 0) {
    lines.push('manifests as last observed:');
    for (const m of s.manifests) lines.push(`  ${m.shard}: generation ${m.generation.slice(0, 8)} epoch ${m.epoch} checkpoint ${m.checkpoint}, unchanged since ${since(m.changedAt)}`);
  }
  for (const [role, notable] of Object.entries(s.notable)) {
    if (failed.length === 0 || notable.length === 0) continue;
    lines.push(`latest ${role} warnings and errors (${notable.length}):`);
    for (const n of notable) lines.push(`  ${since(n.at).padStart(10)}  ${n.text}`);
  }
  lines.push(failed.length ? `FAILED:\n${failed.map((x) => `- ${x}`).join('\n')}` : 'PASSED');
  lines.push(`chaos: acknowledged=${c.ackedKeyWrites} lost=${s.check?.lost ?? 0} duplicated=${s.check?.duplicated ?? 0} faults=${s.faults.length}`);
  return lines.join('\n');
}

function row(...cells: number[]): string {
  return cells.map((n, i) => String(n).padStart([9, 13, 14, 10][i])).join(' ');
}
