/**
 * The suite's targets, judged from the measurements, each marked met / not met per dataset:
 * quiver over HTTP reaches 0.8× the in-process usearch QPS at recall@10 ≥ 0.95 (1 and 8 clients);
 * it is ahead of every peer database in QPS at recall@10 ≥ 0.95 and in load time; its filtered
 * search keeps recall@10 ≥ 0.95 at 1% selectivity; and its memory per vector stays within 1.3×
 * the raw index's size.
 */
import { knobFor, type SweepPoint, type SystemRun } from './sweep.ts';

/** Database peers quiver is meant to beat (faiss and usearch are libraries, shown as references). */
export const DATABASE_PEERS = ['milvus-lite', 'chroma', 'lancedb'];
export const RATIO_TARGET = 0.8;
export const COMPARE_RECALL = 0.95;
export const FILTER_RECALL = 0.95;
export const MEMORY_FACTOR = 1.3;

/** One judged target. */
export interface Verdict {
  target: string;
  dataset: string;
  /** null: could not be judged (a system missing or not reaching the recall). */
  met: boolean | null;
  detail: string;
}

/** The point of `run` with `clients` clients at the smallest knob reaching `recall`, if measured. */
export function pointAt(run: SystemRun | undefined, recall: number, clients: number): SweepPoint | null {
  if (!run) return null;
  const knob = knobFor(run.points, recall);
  if (knob === null) return null;
  return run.points.find((x) => x.knob === knob && x.clients === clients && x.filter === null) ?? null;
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

/** Every verdict for one dataset's runs. */
export function verdictsFor(dataset: string, runs: SystemRun[], clients: number[]): Verdict[] {
  const by = (name: string) => runs.find((r) => r.system === name && r.load !== null);
  const quiver = by('quiver-http');
  const raw = by('usearch-raw');
  const out: Verdict[] = [];
  const v = (target: string, met: boolean | null, detail: string) => out.push({ target, dataset, met, detail });
  for (const c of clients) {
    const target = `QPS ≥ ${RATIO_TARGET}× raw usearch at recall@10 ≥ ${COMPARE_RECALL}, ${c} client(s)`;
    const q = pointAt(quiver, COMPARE_RECALL, c);
    const r = pointAt(raw, COMPARE_RECALL, c);
    if (!q || !r) v(target, q ? null : false, !quiver ? 'quiver not measured' : !q ? 'quiver did not reach the recall' : 'usearch not measured at this recall');
    else v(target, q.summary.qps >= RATIO_TARGET * r.summary.qps, `${fmt(q.summary.qps)} vs ${fmt(r.summary.qps)} QPS = ${(q.summary.qps / r.summary.qps).toFixed(2)}×`);
  }
  const peers = runs.filter((r) => DATABASE_PEERS.includes(r.system) && r.load !== null);
  for (const c of clients) {
    const target = `ahead of every peer database in QPS at recall@10 ≥ ${COMPARE_RECALL}, ${c} client(s)`;
    const q = pointAt(quiver, COMPARE_RECALL, c);
    if (!q) {
      v(target, quiver ? false : null, quiver ? 'quiver did not reach the recall' : 'quiver not measured');
      continue;
    }
    const behind: string[] = [];
    const parts = peers.map((peer) => {
      const pt = pointAt(peer, COMPARE_RECALL, c);
      if (pt && pt.summary.qps >= q.summary.qps) behind.push(peer.system);
      return `${peer.system} ${pt ? fmt(pt.summary.qps) : 'never reached'}`;
    });
    v(target, peers.length ? behind.length === 0 : null, `quiver ${fmt(q.summary.qps)}; ${parts.join(', ') || 'no peer measured'}`);
  }
  if (quiver?.load && peers.length) {
    const slower = peers.filter((peer) => peer.load!.load_s <= quiver.load!.load_s).map((peer) => peer.system);
    v('ahead of every peer database in load time', slower.length === 0,
      `quiver ${quiver.load.load_s.toFixed(1)} s; ${peers.map((peer) => `${peer.system} ${peer.load!.load_s.toFixed(1)} s`).join(', ')}`);
  } else {
    v('ahead of every peer database in load time', null, quiver ? 'no peer measured' : 'quiver not measured');
  }
  const filtered = quiver?.points.find((x) => x.filter === '1%');
  v(`filtered search recall@10 ≥ ${FILTER_RECALL} at 1% selectivity`, filtered ? filtered.recall >= FILTER_RECALL : null,
    filtered ? `recall@10 ${filtered.recall.toFixed(3)} at ${fmt(filtered.summary.qps)} QPS` : 'not measured');
  const fileMb = raw?.load?.extra.index_file_mb;
  if (quiver?.load?.rss_mb != null && typeof fileMb === 'number' && fileMb > 0) {
    const ratio = quiver.load.rss_mb / fileMb;
    v(`memory within ${MEMORY_FACTOR}× the raw index size`, ratio <= MEMORY_FACTOR,
      `resident growth ${quiver.load.rss_mb.toFixed(0)} MiB vs usearch index file ${fileMb.toFixed(0)} MiB = ${ratio.toFixed(2)}×`);
  } else {
    v(`memory within ${MEMORY_FACTOR}× the raw index size`, null, 'quiver or usearch not measured');
  }
  return out;
}

/** A verdict as a Markdown bullet. */
export function verdictLine(x: Verdict): string {
  const mark = x.met === null ? 'not judged' : x.met ? 'met' : '**not met**';
  return `- ${x.dataset}: ${x.target}: ${mark} (${x.detail}).`;
}
