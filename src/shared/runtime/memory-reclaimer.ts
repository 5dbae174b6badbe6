/**
 * Gives memory held by dead buffers back to the operating system once a burst of work is over.
 *
 * Why: a bulk load or a compaction leaves hundreds of MiB of request bodies, log records and
 * segment files in ArrayBuffers that nothing references any more. V8 frees their native backing
 * stores only when it collects the JavaScript objects that owned them, and it only collects when
 * JavaScript allocates; an idle server (or an idle index-build thread) therefore keeps that
 * memory resident indefinitely — measured at more than half the resident set after loading
 * 40,000 × 768-d vectors. This module runs a full collection when off-heap memory (V8's count of
 * ArrayBuffer backing stores) has grown by `thresholdBytes` since the last one and the event
 * loop is not busy serving, checked every `intervalMs`, plus once more when the burst is over (a
 * major collection of this heap takes tens of milliseconds and would stall requests in flight).
 * Memory really in use becomes the new reference point.
 *
 * Needs `gc` on the global object (Node started with `--expose-gc`, as `bin/quiver` does);
 * without it the reclaimer does nothing and V8's own heuristics apply.
 */
import { performance } from 'node:perf_hooks';
import { memoryUsage } from 'node:process';

/** Tuning of the reclaimer; the defaults suit every process shape. */
export interface MemoryReclaimerOptions {
  /** How often off-heap memory is checked, ms (default 2000). */
  intervalMs?: number;
  /** Growth of off-heap memory since the last collection that triggers one, bytes (default 32 MiB). */
  thresholdBytes?: number;
  /** Overrides `globalThis.gc` (tests). */
  collect?: () => void;
  /** Overrides `process.memoryUsage().external` (tests). */
  external?: () => number;
  /** Overrides the event loop's utilisation since the previous call, 0..1 (tests). */
  busy?: () => number;
}

/** A running reclaimer. */
export interface MemoryReclaimer {
  /** Whether a collector is available (the process was started with `--expose-gc`). */
  readonly active: boolean;
  /** Checks now and collects when off-heap memory grew past the threshold; true if it collected. */
  check(): boolean;
  /** Stops the periodic check. Idempotent. */
  stop(): void;
}

/** Change of off-heap memory between two checks below which it counts as not moving, bytes. */
const STABLE_BYTES = 1024 * 1024;

/**
 * Event-loop utilisation above which the process counts as serving: a full collection would
 * stall the requests in flight, and V8's own collections keep pace with a steady load anyway.
 */
const BUSY_UTILISATION = 0.5;

/** Utilisation of this thread's event loop since the previous call, 0..1. */
function eventLoopBusy(): () => number {
  let previous = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, previous);
    previous = now;
    return delta.utilization;
  };
}

/** The exposed collector, or null when Node was started without `--expose-gc`. */
export function exposedGc(): (() => void) | null {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === 'function' ? () => (gc as () => void)() : null;
}

/** Starts the periodic check (unref'd: it never keeps the process alive). */
export function startMemoryReclaimer(o: MemoryReclaimerOptions = {}): MemoryReclaimer {
  const collect = o.collect ?? exposedGc();
  const external = o.external ?? (() => memoryUsage().external);
  const threshold = o.thresholdBytes ?? 32 * 1024 * 1024;
  const busy = o.busy ?? eventLoopBusy();
  let baseline = external();
  let last = baseline;
  // V8 frees dead backing stores on a background thread after a collection, and its off-heap
  // counter only catches up at a later collection, so the new reference point is read one check
  // after collecting, and a collection triggered by growth is followed by one more once the
  // counter has stopped moving (the burst is over): that one frees what the burst left behind
  // after the first and brings the counter up to date.
  let settling = false;
  let burst = false;
  const run = (growth: boolean): boolean => {
    collect!();
    settling = true;
    burst = growth;
    return true;
  };
  const check = (): boolean => {
    if (!collect) return false;
    const now = external();
    const stable = Math.abs(now - last) < STABLE_BYTES;
    last = now;
    const serving = busy() > BUSY_UTILISATION;
    if (settling) {
      settling = false;
      baseline = now;
      return false;
    }
    if (now < baseline) baseline = now;
    // While serving, garbage waits for the load to drop: then the growth rule fires.
    if (serving) return false;
    if (now - baseline >= threshold) return run(true);
    if (burst && stable) return run(false);
    return false;
  };
  const timer = collect ? setInterval(check, o.intervalMs ?? 2000) : null;
  timer?.unref();
  return {
    active: collect !== null,
    check,
    stop: () => {
      if (timer) clearInterval(timer);
    },
  };
}
