/**
 * Small measurement helpers shared by the HTTP and in-process runners: latency percentiles,
 * throughput, a monotonic clock and polling.
 */

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

/** Monotonic microseconds on the same clock V8's CPU profiles use (CLOCK_MONOTONIC). */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
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
