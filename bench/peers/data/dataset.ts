/**
 * A dataset of the `peers` suite, ready for every system: the vectors in memory, the same vectors
 * as raw files the Python drivers read, a `tag` column (0..99, a fixed hash of the row number)
 * that the filtered searches select on, exact top-100 neighbours of every query (cached), and the
 * exact top-k of every query among the rows each filter accepts.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MetricKind, exactSearch, type BatchMatches } from 'usearch';
import type { Dataset } from '../../datasets.ts';
import { datasetChecksum, groundTruth, type GroundTruth } from '../../ground-truth.ts';
import { FILTERS, type DatasetName, type FilterSpec } from '../params.ts';

/** Exact answers of one filter. */
export interface FilteredTruth {
  filter: FilterSpec;
  /** Rows the filter accepts. */
  accepted: number;
  gt: GroundTruth;
}

/** A prepared dataset. */
export interface PeerDataset {
  name: DatasetName;
  /** Where the vectors came from, for the report. */
  source: string;
  /** Distance the systems are told to use. Cosine datasets hold unit vectors, so L2 ranks alike. */
  metric: 'l2' | 'cosine';
  ds: Dataset;
  tags: Int32Array;
  files: { base: string; queries: string; tags: string };
  gt: GroundTruth;
  filtered: FilteredTruth[];
}

/** Tag of row i: a murmur3 finaliser of i, mod 100 — uniform and unrelated to the vectors. */
export function tagOf(i: number): number {
  let h = i >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % 100;
}

/** Whether a tag passes a filter. */
export function accepts(filter: FilterSpec, tag: number): boolean {
  return filter.op === '<' ? tag < filter.value : tag === filter.value;
}

/** Builds a Dataset record around vectors that were loaded rather than generated. */
export function datasetOf(name: string, dim: number, vectors: Float32Array, queries: Float32Array): Dataset {
  const rows = vectors.length / dim;
  const nq = queries.length / dim;
  if (!Number.isInteger(rows) || !Number.isInteger(nq)) throw new Error(`${name}: vectors are not a multiple of ${dim}`);
  return { spec: { rows, queries: nq, dim, clusters: 0, seed: 0 }, name, vectors, queries };
}

async function writeOnce(path: string, data: ArrayBufferView): Promise<void> {
  if (existsSync(path) && statSync(path).size === data.byteLength) return;
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  await rename(tmp, path);
}

/** Exact top-k among the rows with accepted[i], as row numbers. */
export function filteredNeighbours(ds: Dataset, keep: (row: number) => boolean, k: number): { ids: Uint32Array; accepted: number } {
  const dim = ds.spec.dim;
  const rows: number[] = [];
  for (let i = 0; i < ds.spec.rows; i++) if (keep(i)) rows.push(i);
  const subset = new Float32Array(rows.length * dim);
  rows.forEach((r, j) => subset.set(ds.vectors.subarray(r * dim, (r + 1) * dim), j * dim));
  const nq = ds.spec.queries;
  const ids = new Uint32Array(nq * k).fill(0xffffffff);
  if (rows.length === 0) return { ids, accepted: 0 };
  const res = exactSearch(subset, ds.queries, dim, k, MetricKind.L2sq, availableParallelism());
  if (nq === 1) {
    res.keys.forEach((key, i) => (ids[i] = rows[Number(key)]));
    return { ids, accepted: rows.length };
  }
  const batch = res as BatchMatches;
  for (let q = 0; q < nq; q++) {
    const count = Math.min(k, Number(batch.counts[q]));
    for (let i = 0; i < count; i++) ids[q * k + i] = rows[Number(batch.keys[q * k + i])];
  }
  return { ids, accepted: rows.length };
}

/** Writes the raw files, computes (or reads) the ground truths, and returns the dataset. */
export async function prepareDataset(
  name: DatasetName, source: string, metric: 'l2' | 'cosine', ds: Dataset, gtK: number, k: number, cacheDir: string,
): Promise<PeerDataset & { gtCached: boolean; gtSeconds: number }> {
  const dir = join(cacheDir, 'data', `${ds.name}-q${ds.spec.queries}-${datasetChecksum(ds)}`);
  await mkdir(dir, { recursive: true });
  const tags = Int32Array.from({ length: ds.spec.rows }, (_, i) => tagOf(i));
  const files = { base: join(dir, 'base.f32'), queries: join(dir, 'queries.f32'), tags: join(dir, 'tags.i32') };
  await writeOnce(files.base, ds.vectors);
  await writeOnce(files.queries, ds.queries);
  await writeOnce(files.tags, tags);
  const gt = await groundTruth(ds, Math.min(gtK, ds.spec.rows), join(cacheDir, 'gt'));
  const filtered = FILTERS.map((filter) => {
    const { ids, accepted } = filteredNeighbours(ds, (row) => accepts(filter, tags[row]), k);
    return { filter, accepted, gt: { k, ids, cached: false, seconds: 0 } };
  });
  return { name, source, metric, ds, tags, files, gt, filtered, gtCached: gt.cached, gtSeconds: gt.seconds };
}

/**
 * Mean recall@k over the answered queries: `found[j]` holds the ids returned for query
 * `first + j`. Ids missing from an answer count as misses; ground-truth padding (no such row, when
 * a filter accepts fewer than k rows) is not counted.
 */
export function recallOf(gt: GroundTruth, found: ArrayLike<number>[], k: number, first = 0): number {
  let hits = 0;
  let total = 0;
  found.forEach((ids, j) => {
    const q = first + j;
    const truth = new Set<number>();
    for (let i = 0; i < k; i++) {
      const id = gt.ids[q * gt.k + i];
      if (id !== 0xffffffff) truth.add(id);
    }
    total += truth.size;
    const n = Math.min(k, ids.length);
    for (let i = 0; i < n; i++) if (truth.delete(ids[i])) hits++;
  });
  return total === 0 ? 0 : hits / total;
}
