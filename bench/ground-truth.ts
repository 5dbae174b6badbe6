/**
 * Exact top-k neighbours of the benchmark queries (brute force with usearch's multi-threaded
 * exactSearch), cached on disk because they cost far more than generating the data. The cache
 * key includes a checksum of the vectors, so a change to the generator never reuses stale answers.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MetricKind, exactSearch, type BatchMatches } from 'usearch';
import type { Dataset } from './datasets.ts';

/** Exact neighbours: query q's i-th nearest row is ids[q * k + i]. */
export interface GroundTruth {
  k: number;
  ids: Uint32Array;
  /** Whether it came from the cache. */
  cached: boolean;
  /** Seconds spent computing (0 when cached). */
  seconds: number;
}

/** FNV-1a over a sample of the bytes of both matrices: cheap, and changes with any generator change. */
export function datasetChecksum(ds: Dataset): string {
  let h = 0x811c9dc5;
  for (const m of [ds.vectors, ds.queries]) {
    const bytes = new Uint8Array(m.buffer, m.byteOffset, m.byteLength);
    const step = Math.max(1, Math.floor(bytes.length / 65_536));
    for (let i = 0; i < bytes.length; i += step) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h ^= m.length;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Brute-force squared-L2 top-k, ids only. */
export function exactNeighbours(ds: Dataset, k: number, threads = availableParallelism()): Uint32Array {
  const dim = ds.spec.dim;
  const nq = ds.queries.length / dim;
  const res = exactSearch(ds.vectors, ds.queries, dim, k, MetricKind.L2sq, threads);
  const ids = new Uint32Array(nq * k);
  if (nq === 1) {
    res.keys.forEach((key, i) => (ids[i] = Number(key)));
    return ids;
  }
  const batch = res as BatchMatches;
  for (let q = 0; q < nq; q++) {
    const count = Number(batch.counts[q]);
    for (let i = 0; i < k; i++) ids[q * k + i] = i < count ? Number(batch.keys[q * k + i]) : 0xffffffff;
  }
  return ids;
}

/** Ground truth for the dataset, read from `cacheDir` when present, else computed and stored. */
export async function groundTruth(ds: Dataset, k: number, cacheDir: string): Promise<GroundTruth> {
  const nq = ds.queries.length / ds.spec.dim;
  const file = join(cacheDir, `gt-${ds.name}-q${nq}-s${ds.spec.seed}-k${k}-l2-${datasetChecksum(ds)}.u32`);
  try {
    const buf = await readFile(file);
    if (buf.byteLength === nq * k * 4) {
      const ids = new Uint32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      return { k, ids, cached: true, seconds: 0 };
    }
  } catch {
    // not cached yet
  }
  const started = performance.now();
  const ids = exactNeighbours(ds, k);
  const seconds = (performance.now() - started) / 1000;
  await mkdir(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength));
  await rename(tmp, file);
  return { k, ids, cached: false, seconds };
}

/**
 * Mean recall@k: for each query, the share of its true top-k found among the first k returned
 * ids (`found(q)`; a repeated id counts once), averaged over all queries.
 */
export function recallAtK(gt: GroundTruth, found: (q: number) => ArrayLike<number>, k = gt.k): number {
  const nq = gt.ids.length / gt.k;
  let hits = 0;
  for (let q = 0; q < nq; q++) {
    const truth = new Set<number>();
    for (let i = 0; i < k; i++) truth.add(gt.ids[q * gt.k + i]);
    const got = found(q);
    const n = Math.min(k, got.length);
    for (let i = 0; i < n; i++) if (truth.delete(got[i])) hits++;
  }
  return hits / (nq * k);
}
