/**
 * Distance kernels over flattened vector columns, plus per-row scorers in Milvus score units
 * (see metrics.ts). Kernels take (array, offset) pairs so callers never slice per row, and
 * accumulate in doubles with four independent sums so V8 can pipeline the multiply-adds.
 */
import { invalidParameter } from '../errors.ts';
import type { MetricType, VectorColumn } from '../schema/types.ts';

/** Array elements one vector occupies in `column.data` (dim, or dim/8 bytes for binary). */
export function vectorStride(column: VectorColumn): number {
  return column.kind === 'b1' ? column.dim >> 3 : column.dim;
}

/** Number of vectors in a column. Throws 1100 when the data length is not a whole number of vectors. */
export function vectorCount(column: VectorColumn): number {
  const stride = vectorStride(column);
  if (stride <= 0 || column.data.length % stride !== 0) {
    throw invalidParameter(`vector data length ${column.data.length} is not a multiple of ${stride}`);
  }
  return column.data.length / stride;
}

/** Inner product of two float vectors stored at offsets `ao` and `bo`. */
export function dotF32(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (const end = dim - 3; i < end; i += 4) {
    s0 += a[ao + i] * b[bo + i];
    s1 += a[ao + i + 1] * b[bo + i + 1];
    s2 += a[ao + i + 2] * b[bo + i + 2];
    s3 += a[ao + i + 3] * b[bo + i + 3];
  }
  for (; i < dim; i++) s0 += a[ao + i] * b[bo + i];
  return s0 + s1 + s2 + s3;
}

/** Squared euclidean distance of two float vectors. */
export function l2F32(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (const end = dim - 3; i < end; i += 4) {
    const d0 = a[ao + i] - b[bo + i];
    const d1 = a[ao + i + 1] - b[bo + i + 1];
    const d2 = a[ao + i + 2] - b[bo + i + 2];
    const d3 = a[ao + i + 3] - b[bo + i + 3];
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  for (; i < dim; i++) {
    const d = a[ao + i] - b[bo + i];
    s0 += d * d;
  }
  return s0 + s1 + s2 + s3;
}

/** Inner product of two int8 vectors (exact: integer sums stay far below 2^53). */
export function dotI8(a: Int8Array, ao: number, b: Int8Array, bo: number, dim: number): number {
  let s = 0;
  for (let i = 0; i < dim; i++) s += a[ao + i] * b[bo + i];
  return s;
}

/** Squared euclidean distance of two int8 vectors (exact). */
export function l2I8(a: Int8Array, ao: number, b: Int8Array, bo: number, dim: number): number {
  let s = 0;
  for (let i = 0; i < dim; i++) {
    const d = a[ao + i] - b[bo + i];
    s += d * d;
  }
  return s;
}

/** Bits set in a byte, branch- and table-free. */
function popcount8(x: number): number {
  x = x - ((x >> 1) & 0x55);
  x = (x & 0x33) + ((x >> 2) & 0x33);
  return (x + (x >> 4)) & 0x0f;
}

/** Hamming distance (differing bits) of two packed bit vectors of `bytes` bytes. */
export function hammingB1(a: Uint8Array, ao: number, b: Uint8Array, bo: number, bytes: number): number {
  let s = 0;
  for (let i = 0; i < bytes; i++) s += popcount8(a[ao + i] ^ b[bo + i]);
  return s;
}

/** Jaccard distance 1 - |A∩B|/|A∪B| of two packed bit vectors; 0 when both are all zeros (as usearch). */
export function jaccardB1(a: Uint8Array, ao: number, b: Uint8Array, bo: number, bytes: number): number {
  let inter = 0, union = 0;
  for (let i = 0; i < bytes; i++) {
    const x = a[ao + i], y = b[bo + i];
    inter += popcount8(x & y);
    union += popcount8(x | y);
  }
  return union === 0 ? 0 : 1 - inter / union;
}

/** Euclidean norm of every vector of a float/int8 column (used for COSINE); binary columns throw. */
export function vectorNorms(column: VectorColumn): Float64Array {
  if (column.kind === 'b1') throw invalidParameter('binary vectors have no norms');
  const { dim } = column;
  const n = vectorCount(column);
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    out[r] = Math.sqrt(
      column.kind === 'f32' ? dotF32(column.data, r * dim, column.data, r * dim, dim) : dotI8(column.data, r * dim, column.data, r * dim, dim),
    );
  }
  return out;
}

/** Milvus score of one stored row against a fixed query. */
export type RowScorer = (row: number) => number;

/**
 * Builds a scorer for query number `q` of `queries` against rows of `column`, in Milvus score
 * units. `norms` (from {@link vectorNorms}) is required for COSINE; a zero-norm side scores 0.
 * Both columns must have the same kind and dim (the caller validates).
 */
export function rowScorer(
  column: VectorColumn,
  metric: MetricType,
  queries: VectorColumn,
  q: number,
  norms?: Float64Array,
): RowScorer {
  const dim = column.dim;
  const stride = vectorStride(column);
  const qo = q * stride;
  if (column.kind === 'b1') {
    const data = column.data, query = queries.data as Uint8Array;
    return metric === 'HAMMING'
      ? (row) => hammingB1(data, row * stride, query, qo, stride)
      : (row) => jaccardB1(data, row * stride, query, qo, stride);
  }
  if (column.kind === 'f32') {
    const data = column.data, query = queries.data as Float32Array;
    if (metric === 'L2') return (row) => l2F32(data, row * dim, query, qo, dim);
    if (metric === 'IP') return (row) => dotF32(data, row * dim, query, qo, dim);
    const qn = Math.sqrt(dotF32(query, qo, query, qo, dim));
    return cosine(norms, qn, (row) => dotF32(data, row * dim, query, qo, dim));
  }
  const data = column.data, query = queries.data as Int8Array;
  if (metric === 'L2') return (row) => l2I8(data, row * dim, query, qo, dim);
  if (metric === 'IP') return (row) => dotI8(data, row * dim, query, qo, dim);
  const qn = Math.sqrt(dotI8(query, qo, query, qo, dim));
  return cosine(norms, qn, (row) => dotI8(data, row * dim, query, qo, dim));
}

function cosine(norms: Float64Array | undefined, qn: number, dot: RowScorer): RowScorer {
  if (!norms) throw new Error('COSINE scoring needs precomputed row norms');
  if (qn === 0) return () => 0;
  return (row) => {
    const rn = norms[row];
    return rn === 0 ? 0 : dot(row) / (rn * qn);
  };
}
