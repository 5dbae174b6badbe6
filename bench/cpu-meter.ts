/**
 * CPU accounting across a benchmark phase: the CPU time (user + system, all threads) that each
 * named process used between two readings, in cores (CPU seconds per second of wall time), and
 * how busy the whole machine was meanwhile (/proc/stat), so that work outside the metered
 * processes shows up too. Shows where a multi-process system spends a machine's cores.
 */
import { readFile } from 'node:fs/promises';
import { nowMs, processCpuSeconds } from './measure.ts';

/** A process to account for; pid null = this (the load-generating) process. */
export interface MeteredProcess {
  name: string;
  pid: number | null;
}

/** CPU time per process at one moment, seconds (null when the process could not be read). */
export interface CpuReading {
  atMs: number;
  seconds: Map<string, number | null>;
  /** Busy CPU seconds of the whole machine since boot (steal included); null when unavailable. */
  machineBusy: number | null;
}

/** Cores each process used between two readings, in the order of the metered processes. */
export interface CpuUsage {
  wall_s: number;
  cores: { name: string; cores: number | null }[];
  /** Sum over the processes that could be read. */
  total_cores: number;
  /** Busy cores of the whole machine (all processes, steal included); null when unavailable. */
  machine_cores: number | null;
}

/** Busy seconds of all CPUs from the aggregate line of /proc/stat (clock ticks of 1/100 s). */
async function machineBusySeconds(): Promise<number | null> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0];
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = user + nice + system + irq + softirq + (steal || 0);
    return Number.isFinite(busy) ? busy / 100 : null;
  } catch {
    return null;
  }
}

async function cpuSecondsOf(p: MeteredProcess): Promise<number | null> {
  if (p.pid === null) {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
  return processCpuSeconds(p.pid);
}

/** Reads the CPU time of every process now. */
export async function readCpu(processes: readonly MeteredProcess[]): Promise<CpuReading> {
  const [values, machineBusy] = await Promise.all([Promise.all(processes.map(cpuSecondsOf)), machineBusySeconds()]);
  return { atMs: nowMs(), seconds: new Map(processes.map((p, i) => [p.name, values[i]])), machineBusy };
}

/** Cores each process used from `before` to `after`. */
export function cpuBetween(processes: readonly MeteredProcess[], before: CpuReading, after: CpuReading): CpuUsage {
  const wall_s = Math.max(1e-9, (after.atMs - before.atMs) / 1000);
  let total = 0;
  const cores = processes.map(({ name }) => {
    const a = before.seconds.get(name);
    const b = after.seconds.get(name);
    if (a === null || a === undefined || b === null || b === undefined) return { name, cores: null };
    const used = Math.max(0, b - a) / wall_s;
    total += used;
    return { name, cores: used };
  });
  const machine = before.machineBusy === null || after.machineBusy === null ? null : Math.max(0, after.machineBusy - before.machineBusy) / wall_s;
  return { wall_s, cores, total_cores: total, machine_cores: machine };
}

/** Runs `work` and measures the cores each process used meanwhile. */
export async function meterCpu<T>(processes: readonly MeteredProcess[], work: () => Promise<T>): Promise<{ value: T; cpu: CpuUsage }> {
  const before = await readCpu(processes);
  const value = await work();
  const after = await readCpu(processes);
  return { value, cpu: cpuBetween(processes, before, after) };
}

/** One-line summary, e.g. `proxy-0 0.83, proxy-1 0.79, kafka 0.31 (total 1.93 cores)`. */
export function describeCpu(u: CpuUsage): string {
  const parts = u.cores.map((c) => `${c.name} ${c.cores === null ? '?' : c.cores.toFixed(2)}`);
  const machine = u.machine_cores === null ? '' : `; machine busy ${u.machine_cores.toFixed(2)}`;
  return `${parts.join(', ')} (total ${u.total_cores.toFixed(2)} cores${machine})`;
}
