/**
 * The thin layer between VectorColumns and the usearch JS binding: index construction with
 * validated names, input conversion, and batch search results in one shape.
 *
 * Binding facts this relies on (usearch 2.25):
 * - every input is turned into a Float32Array by the JS wrapper before reaching native code;
 *   Int8Array values arrive as -128..127 floats, and packed Uint8Array would be read as one
 *   float per byte, so binary vectors are unpacked here to one 0/1 float per bit, which the
 *   native f32 → b1 cast packs back (bit set iff value > 0, MSB first, as Milvus packs them);
 * - native f32 → i8 quantization scales every vector to unit length first, which preserves
 *   cosine ranking only;
 * - a search asking for `wanted` results explores with max(expansion_search, wanted)
 *   candidates and returns the best `wanted`, so an index opened with expansion_search = 1 and
 *   searched with wanted = ef returns exactly what an index with expansion_search = ef returns
 *   (best k of them); that is how quiver serves per-query ef from one memory-mapped view;
 * - an unknown metric name aborts the process from native code, hence the closed name type.
 */
import { Index, type MetricKind, type ScalarKind } from 'usearch';
import type { Quantization, VectorColumn } from '../schema/types.ts';
import { vectorStride } from './kernels.ts';
import type { UsearchMetric } from './metrics.ts';

/** Construction parameters for a usearch index. */
export interface UsearchConfig {
  /** Components per vector; bits for binary vectors. */
  dimensions: number;
  metric: UsearchMetric;
  quantization: Quantization;
  /** HNSW M. */
  connectivity: number;
  /** efConstruction. */
  expansionAdd: number;
  /** Beam width used when a search asks for fewer results than this. */
  expansionSearch: number;
}

/** Creates an empty index (or one to be `view`ed/`load`ed: the file's header then wins). */
export function createUsearchIndex(config: UsearchConfig): Index {
  return new Index({
    dimensions: config.dimensions,
    metric: config.metric as MetricKind,
    quantization: config.quantization as ScalarKind,
    connectivity: config.connectivity,
    expansion_add: config.expansionAdd,
    expansion_search: config.expansionSearch,
    multi: false,
  });
}

/**
 * Vectors `start`..`end` (exclusive) of a column in the form the binding accepts. Float columns
 * are passed without copying; int8 columns are widened by the binding itself; binary columns
 * are unpacked here (dim floats per vector), so callers should convert binary data in chunks.
 */
export function usearchInput(column: VectorColumn, start: number, end: number): Float32Array | Int8Array {
  const stride = vectorStride(column);
  if (column.kind === 'f32') return column.data.subarray(start * stride, end * stride);
  if (column.kind === 'i8') return column.data.subarray(start * stride, end * stride);
  const bits = column.dim;
  const out = new Float32Array((end - start) * bits);
  const data = column.data;
  for (let v = start, o = 0; v < end; v++) {
    const base = v * stride;
    for (let b = 0; b < bits; b++, o++) out[o] = (data[base + (b >> 3)] >> (7 - (b & 7))) & 1;
  }
  return out;
}

/** Results of a batch search: query q's hits are keys/distances[q*wanted .. q*wanted+counts[q]). */
export interface RawMatches {
  keys: BigUint64Array;
  distances: Float32Array;
  counts: Int32Array;
  wanted: number;
}

/**
 * Runs `wanted`-nearest search for `nq` queries stored back to back in `vectors`. `threads`
 * only matters for several queries (the binding spawns threads per call; one query runs
 * inline). Throws the binding's error (e.g. dimension mismatch) unchanged.
 */
export function usearchSearch(
  index: Index,
  vectors: Float32Array | Int8Array,
  nq: number,
  wanted: number,
  threads: number,
): RawMatches {
  const res = index.search(vectors, wanted, nq > 1 ? threads : 1) as unknown as {
    keys: BigUint64Array;
    distances: Float32Array;
    counts?: BigUint64Array;
  };
  const counts = new Int32Array(nq);
  if (res.counts) {
    for (let q = 0; q < nq; q++) counts[q] = Number(res.counts[q]);
    return { keys: res.keys, distances: res.distances, counts, wanted };
  }
  // A single query comes back as Matches, already cut to the number of hits.
  counts[0] = res.keys.length;
  return { keys: res.keys, distances: res.distances, counts, wanted };
}

/** Sequential BigUint64Array keys start..end-1: usearch keys are segment row numbers. */
export function rowKeys(start: number, end: number): BigUint64Array {
  const keys = new BigUint64Array(end - start);
  for (let i = 0; i < keys.length; i++) keys[i] = BigInt(start + i);
  return keys;
}
