/**
 * Test helpers for the vector kernels: seeded data, a deliberately naive reference search, and
 * recall. The reference shares no code with the kernels under test.
 */
import type { MetricType, VectorColumn } from '../../../src/shared/schema/types.ts';

/** mulberry32: small, fast, seedable; plenty for test data. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n random vectors of the given kind: f32 uniform in [-1, 1), i8 uniform in [-128, 127], b1 random bits. */
export function randomColumn(kind: VectorColumn['kind'], n: number, dim: number, seed: number): VectorColumn {
  const r = rng(seed);
  if (kind === 'f32') return { kind, dim, data: Float32Array.from({ length: n * dim }, () => r() * 2 - 1) };
  if (kind === 'i8') return { kind, dim, data: Int8Array.from({ length: n * dim }, () => Math.floor(r() * 256) - 128) };
  return { kind, dim, data: Uint8Array.from({ length: (n * dim) / 8 }, () => Math.floor(r() * 256)) };
}

/** Vector i of a column as plain numbers (bits unpacked MSB first for b1). */
export function vectorAt(col: VectorColumn, i: number): number[] {
  if (col.kind !== 'b1') return Array.from(col.data.subarray(i * col.dim, (i + 1) * col.dim));
  const out: number[] = [];
  for (let b = 0; b < col.dim; b++) out.push((col.data[i * (col.dim / 8) + (b >> 3)] >> (7 - (b % 8))) & 1);
  return out;
}

/** Milvus score computed the obvious way. */
export function naiveScore(metric: MetricType, a: number[], b: number[]): number {
  let dot = 0, na = 0, nb = 0, l2 = 0, diff = 0, inter = 0, union = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
    l2 += (a[i] - b[i]) ** 2;
    if (a[i] !== b[i]) diff++;
    if (a[i] && b[i]) inter++;
    if (a[i] || b[i]) union++;
  }
  switch (metric) {
    case 'L2': return l2;
    case 'IP': return dot;
    case 'COSINE': return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
    case 'HAMMING': return diff;
    case 'JACCARD': return union === 0 ? 0 : 1 - inter / union;
  }
}

/** Reference exact search: score all, filter, sort best first with ties by smaller row. */
export function naiveSearch(
  col: VectorColumn,
  metric: MetricType,
  query: number[],
  k: number,
  keep: (row: number, score: number) => boolean = () => true,
): { rows: number[]; scores: number[] } {
  const n = col.data.length / (col.kind === 'b1' ? col.dim / 8 : col.dim);
  const all: { row: number; score: number }[] = [];
  for (let row = 0; row < n; row++) {
    const score = naiveScore(metric, vectorAt(col, row), query);
    if (keep(row, score)) all.push({ row, score });
  }
  const asc = metric === 'L2' || metric === 'HAMMING' || metric === 'JACCARD';
  all.sort((x, y) => (x.score === y.score ? x.row - y.row : asc ? x.score - y.score : y.score - x.score));
  const top = all.slice(0, Math.max(0, k));
  return { rows: top.map((x) => x.row), scores: top.map((x) => x.score) };
}

/** Query number q of a column as a one-query column. */
export function queryOf(col: VectorColumn, q: number): VectorColumn {
  const stride = col.kind === 'b1' ? col.dim / 8 : col.dim;
  const data = col.data.slice(q * stride, (q + 1) * stride);
  return { kind: col.kind, dim: col.dim, data } as VectorColumn;
}

/** Mean fraction of each truth list found in the corresponding result list. */
export function recall(results: ArrayLike<number>[], truth: ArrayLike<number>[]): number {
  let hit = 0, total = 0;
  for (let i = 0; i < truth.length; i++) {
    const want = new Set(Array.from(truth[i]));
    total += want.size;
    for (const r of Array.from(results[i])) if (want.has(r)) hit++;
  }
  return total === 0 ? 1 : hit / total;
}
