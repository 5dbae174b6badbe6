/**
 * Summarises V8 .cpuprofile files (as written by `node --cpu-prof` or the inspector's Profiler):
 * self time per function and per area of code (HTTP stack, JSON, validation, quiver modules,
 * usearch, GC), idle time left out.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
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
  /** Per profile file: busy and total sampled ms. */
  threads: { file: string; busyMs: number; totalMs: number }[];
  busyMs: number;
  totalMs: number;
  functions: ProfileEntry[];
  areas: ProfileEntry[];
}

/** Area of code a frame belongs to, from its script URL. */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : 'V8 builtins / native';
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
  const file = frame.url.replace(/^file:\/\/.*?\/(src|bench|test|node_modules)\//, '$1/');
  // Transpiled modules report line 0 for every function; only real line numbers are shown.
  const where = frame.url ? ` ${file}${frame.lineNumber > 0 ? `:${frame.lineNumber + 1}` : ''}` : '';
  return `${frame.functionName || '(anonymous)'}${where}`;
}

/**
 * Native code (addon methods, syscalls, builtins) has no script URL and an unreliable name; it is
 * charged to the nearest JavaScript caller, marked as native, e.g. `[native] search usearch.js`.
 */
function attribution(node: ProfileNode, nodes: Map<number, ProfileNode>, parents: Map<number, number>): { name: string; area: string } {
  const f = node.callFrame;
  if (f.url || f.functionName.startsWith('(')) return { name: label(f), area: areaOf(f) };
  let id = parents.get(node.id);
  while (id !== undefined) {
    const caller = nodes.get(id)!;
    if (caller.callFrame.url) return { name: `[native] ${label(caller.callFrame)}`, area: `${areaOf(caller.callFrame)} (native)` };
    id = parents.get(id);
  }
  return { name: label(f), area: areaOf(f) };
}

function ranked(map: Map<string, number>, busyMs: number, top: number): ProfileEntry[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, selfMs]) => ({ name, selfMs, pct: busyMs > 0 ? (100 * selfMs) / busyMs : 0 }));
}

/** Reads the given .cpuprofile files and ranks self time; idle samples are left out. */
export async function summarizeProfiles(files: string[], top = 20): Promise<ProfileSummary> {
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  const threads: ProfileSummary['threads'] = [];
  let busyMs = 0;
  let totalMs = 0;
  for (const file of files) {
    const p = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    const parents = new Map<number, number>();
    for (const n of p.nodes) for (const c of n.children ?? []) parents.set(c, n.id);
    const named = new Map<number, { name: string; area: string }>();
    let threadBusy = 0;
    for (let i = 0; i < p.samples.length; i++) {
      const weight = (p.timeDeltas[i + 1] ?? 0) / 1000;
      const node = nodes.get(p.samples[i]);
      if (!node || node.callFrame.functionName === '(idle)') continue;
      threadBusy += weight;
      let at = named.get(node.id);
      if (!at) named.set(node.id, (at = attribution(node, nodes, parents)));
      byFunction.set(at.name, (byFunction.get(at.name) ?? 0) + weight);
      byArea.set(at.area, (byArea.get(at.area) ?? 0) + weight);
    }
    const threadTotal = (p.endTime - p.startTime) / 1000;
    threads.push({ file: basename(file), busyMs: threadBusy, totalMs: threadTotal });
    busyMs += threadBusy;
    totalMs += threadTotal;
  }
  return { threads, busyMs, totalMs, functions: ranked(byFunction, busyMs, top), areas: ranked(byArea, busyMs, top) };
}

/** Markdown bullet lines describing a summary. */
export function profileNotes(s: ProfileSummary, what: string): string[] {
  const busy = s.totalMs > 0 ? ` (${((100 * s.busyMs) / s.totalMs).toFixed(0)}% of ${(s.totalMs / 1000).toFixed(1)} s)` : '';
  const fmt = (e: ProfileEntry) => `  - ${e.pct.toFixed(1)}% ${e.name.replace(/\|/g, '\\|')}`;
  return [
    `- Server CPU profile, ${what}: main thread busy ${(s.busyMs / 1000).toFixed(1)} s${busy}; shares below are of busy time.`,
    '- By area of code (self time):',
    ...s.areas.slice(0, 12).map(fmt),
    '- Top functions (self time):',
    ...s.functions.slice(0, 15).map(fmt),
  ];
}
