/**
 * Measurement helpers shared by the suites: a monotonic clock, latency percentiles and
 * throughput, polling, and what a run ran on — machine, runtime and library versions, and the
 * resident memory and CPU time of a process read from /proc (Linux).
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism, cpus, platform, arch, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';

/** Repository root (the directory holding package.json). */
export const REPO_ROOT = join(import.meta.dirname, '..');

/** Machine and software a run used. */
export interface RunEnvironment {
  date: string;
  cpu: string;
  cores: number;
  memory_gb: number;
  os: string;
  /** 1, 5 and 15 minute load averages when the run started (other work on the machine skews timings). */
  load_avg: string;
  node: string;
  quiver: string;
  usearch: string;
}

async function packageVersion(path: string): Promise<string> {
  try {
    return (JSON.parse(await readFile(path, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Collects the environment of the current process. */
export async function runEnvironment(): Promise<RunEnvironment> {
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()} ${arch()}`,
    load_avg: loadavg().map((x) => x.toFixed(2)).join(' / '),
    node: process.version,
    quiver: await packageVersion(join(REPO_ROOT, 'package.json')),
    usearch: await packageVersion(join(REPO_ROOT, 'node_modules', 'usearch', 'package.json')),
  };
}

/** Memory of a process in MiB: current resident set (VmRSS) and its peak (VmHWM). */
export interface ProcessMemory {
  rss_mb: number;
  peak_rss_mb: number;
}

/** Reads /proc/<pid>/status; null when unavailable (not Linux, or the process is gone). */
export async function processMemory(pid: number): Promise<ProcessMemory | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const rss = kb('VmRSS');
    if (!Number.isFinite(rss)) return null;
    return { rss_mb: Math.round(rss / 102.4) / 10, peak_rss_mb: Math.round(kb('VmHWM') / 102.4) / 10 };
  } catch {
    return null;
  }
}

/**
 * CPU time (user + system, all threads) a process has used so far, in seconds; null when
 * unavailable. Uses the kernel's clock tick of 100 Hz, which is what Linux reports in /proc.
 */
export async function processCpuSeconds(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** Summary of one timed run of requests. */
export interface LatencySummary {
  /** Completed operations per second of wall time. */
  qps: number;
  p50_ms: number;
  p99_ms: number;
  mean_ms: number;
  count: number;
  wall_s: number;
}

/** Monotonic milliseconds. */
export function nowMs(): number {
  return performance.now();
}

/**
 * Wall-clock milliseconds since the Unix epoch (Date.now()): comparable with timestamps other
 * processes on the same machine record, unlike the monotonic clock, which may drift from it.
 */
export function wallClockMs(): number {
  return Date.now();
}

/** The q-quantile (0..1) of `sorted` (ascending), nearest-rank. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** QPS and latency percentiles from per-operation latencies (ms) and the wall time (ms) of the run. */
export function summarize(latenciesMs: ArrayLike<number>, wallMs: number): LatencySummary {
  const sorted = Float64Array.from(latenciesMs).sort();
  let sum = 0;
  for (const x of sorted) sum += x;
  return {
    qps: wallMs > 0 ? (sorted.length * 1000) / wallMs : 0,
    p50_ms: quantile(sorted, 0.5),
    p99_ms: quantile(sorted, 0.99),
    mean_ms: sorted.length ? sum / sorted.length : NaN,
    count: sorted.length,
    wall_s: wallMs / 1000,
  };
}

/** The item with the median value of `key` (the lower middle one for an even count). */
export function medianBy<T>(items: T[], key: (item: T) => number): T {
  if (items.length === 0) throw new Error('medianBy of nothing');
  const sorted = items.slice().sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls `probe` every `intervalMs` until it returns a non-null value or `timeoutMs` passes;
 * returns the value, or null on timeout.
 */
export async function pollUntil<T>(probe: () => Promise<T | null>, intervalMs: number, timeoutMs: number): Promise<T | null> {
  const deadline = nowMs() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (nowMs() >= deadline) return null;
    await sleep(intervalMs);
  }
}

/** Rounds to `digits` significant decimals for reports (keeps integers as they are). */
export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The first line of an error's message, at most `maxChars` long: what a benchmark report shows. */
export function errorLine(err: unknown, maxChars = Number.POSITIVE_INFINITY): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, maxChars);
}
