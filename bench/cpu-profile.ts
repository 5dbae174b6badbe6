/**
 * Summarises V8 .cpuprofile files (written by `node --cpu-prof`, one per thread): self time per
 * function and per area of code (HTTP stack, JSON, validation, quiver modules, usearch, GC),
 * optionally only for samples inside a time window, e.g. the search phase of a benchmark.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A row of the summary: self time in ms and as a share of busy (non-idle) time. */
export interface ProfileEntry {
  name: string;
  selfMs: number;
  pct: number;
}

/** Where the profiled threads spent their time. */
export interface ProfileSummary {
  /** Per thread (file): busy ms inside the window. */
  threads: { file: string; busyMs: number }[];
  windowMs: number;
  busyMs: number;
  functions: ProfileEntry[];
  areas: ProfileEntry[];
}

/** Area of code a frame belongs to, from its script URL. */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName.startsWith('(')) return functionName;
    if (/json/i.test(functionName)) return 'JSON (V8 builtins)';
    return 'V8 builtins / native';
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return `npm: ${pkg[1]}`;
  if (url.startsWith('node:')) {
    const mod = url.slice(5).replace(/^internal\//, '');
    if (/^(http|_http|net|stream|streams|dns|tls)|deps\/undici/.test(mod)) return 'node: http/net/streams';
    return `node: ${mod.split('/')[0]}`;
  }
  const src = /\/src\/(.+?)\/[^/]+\.ts$/.exec(url) ?? /\/src\/([^/]+)\.ts$/.exec(url);
  if (src) return `quiver: src/${src[1]}`;
  return url.replace(/^file:\/\//, '');
}

function label(frame: CallFrame): string {
  const file = frame.url.replace(/^file:\/\/.*?\/(src|node_modules)\//, '$1/');
  const where = frame.url ? ` ${file}:${frame.lineNumber + 1}` : '';
  return `${frame.functionName || '(anonymous)'}${where}`;
}

function ranked(map: Map<string, number>, busyMs: number, top: number): ProfileEntry[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, selfMs]) => ({ name, selfMs, pct: busyMs > 0 ? (100 * selfMs) / busyMs : 0 }));
}

/**
 * Reads every .cpuprofile in `dir`. With a window (microseconds on the monotonic clock, as
 * `process.hrtime`), only samples taken inside it count. Idle samples are left out.
 */
export async function summarizeProfiles(dir: string, window?: { startUs: number; endUs: number }, top = 20): Promise<ProfileSummary> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  const threads: ProfileSummary['threads'] = [];
  let busyMs = 0;
  for (const file of files) {
    const p = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    let t = p.startTime;
    let threadBusy = 0;
    for (let i = 0; i < p.samples.length; i++) {
      t += p.timeDeltas[i] ?? 0;
      const weight = (p.timeDeltas[i + 1] ?? 0) / 1000;
      if (window && (t < window.startUs || t > window.endUs)) continue;
      const node = nodes.get(p.samples[i]);
      if (!node || node.callFrame.functionName === '(idle)') continue;
      threadBusy += weight;
      const name = label(node.callFrame);
      byFunction.set(name, (byFunction.get(name) ?? 0) + weight);
      const area = areaOf(node.callFrame);
      byArea.set(area, (byArea.get(area) ?? 0) + weight);
    }
    if (threadBusy > 0) threads.push({ file, busyMs: threadBusy });
    busyMs += threadBusy;
  }
  return {
    threads,
    windowMs: window ? (window.endUs - window.startUs) / 1000 : NaN,
    busyMs,
    functions: ranked(byFunction, busyMs, top),
    areas: ranked(byArea, busyMs, top),
  };
}

/** Markdown bullet lines describing a summary. */
export function profileNotes(s: ProfileSummary, what: string): string[] {
  const cores = Number.isFinite(s.windowMs) && s.windowMs > 0 ? ` (${(s.busyMs / s.windowMs).toFixed(2)} cores busy on average)` : '';
  const fmt = (e: ProfileEntry) => `  - ${e.pct.toFixed(1)}% ${e.name.replace(/\|/g, '\\|')}`;
  return [
    `- Server CPU profile, ${what}: ${(s.busyMs / 1000).toFixed(1)} s of busy CPU over ${s.threads.length} thread(s)${cores}.`,
    '- By area of code (self time):',
    ...s.areas.slice(0, 12).map(fmt),
    '- Top functions (self time):',
    ...s.functions.slice(0, 15).map(fmt),
  ];
}
