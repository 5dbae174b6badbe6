/**
 * What a benchmark ran on: machine, runtime and library versions, and resident memory and CPU
 * time of a process read from /proc (Linux).
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
