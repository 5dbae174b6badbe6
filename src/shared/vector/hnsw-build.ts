/**
 * Building a segment's HNSW index file from its raw vectors (indexer side). Keys are row
 * numbers 0..n-1, so a hit's key is directly the row in the segment's columns.
 */
import { mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { invalidParameter } from '../errors.ts';
import type { MetricType, Quantization, VectorColumn } from '../schema/types.ts';
import { vectorCount } from './kernels.ts';
import { usearchMetric, validateMetric } from './metrics.ts';
import { createUsearchIndex, rowKeys, usearchInput } from './usearch-adapter.ts';

/** HNSW construction parameters (validated ranges come from the index spec). */
export interface HnswParams {
  metric: MetricType;
  /** Graph connectivity (neighbors per node on upper layers; twice that on the base layer). */
  M: number;
  /** Beam width while inserting; higher builds slower and gives a better graph. */
  efConstruction: number;
  /** Requested storage precision; see {@link effectiveQuantization} for what is used. */
  quantization?: Quantization;
}

/**
 * The precision the index is actually stored in:
 * - binary vectors are always b1 (the only precision their metrics work on);
 * - b1 for float/int8 vectors is refused (1100): it would keep only the sign of each component;
 * - i8 is kept for COSINE only, because usearch's i8 cast normalizes every vector and so loses
 *   the magnitudes L2 and IP depend on; those fall back to f16;
 * - unset means f32 for float vectors and f16 for int8 vectors (f16 holds every int8 exactly).
 */
export function effectiveQuantization(kind: VectorColumn['kind'], metric: MetricType, requested?: Quantization): Quantization {
  if (kind === 'b1') return 'b1';
  if (requested === 'b1') throw invalidParameter('b1 quantization applies to binary vectors only');
  if (requested === 'i8') return metric === 'COSINE' ? 'i8' : 'f16';
  return requested ?? (kind === 'i8' ? 'f16' : 'f32');
}

/** Build tuning. */
export interface HnswBuildOptions {
  /** Insertion threads; 0 or unset: all cores. The call blocks the calling thread meanwhile. */
  threads?: number;
  /** Rows converted per native call for int8/binary input, bounding the temporary copy. */
  chunkRows?: number;
}

/** What was written. */
export interface HnswBuildResult {
  rows: number;
  quantization: Quantization;
  /** Size of the index file in bytes. */
  bytes: number;
  /** Wall time of insertion plus save, milliseconds. */
  ms: number;
}

/**
 * Builds an HNSW index over every vector of `column` (key = row number) and saves it to `path`
 * atomically (written to `path.tmp`, then renamed). Synchronous and CPU-bound: run it off the
 * request path. Throws 1100 for a metric/kind/quantization mismatch and the native error
 * (nothing left at `path`) if insertion or saving fails. An empty column yields a valid empty index.
 */
export function buildHnsw(column: VectorColumn, params: HnswParams, path: string, opts: HnswBuildOptions = {}): HnswBuildResult {
  const { metric } = params;
  validateMetric(metric, column.kind);
  if (!Number.isInteger(params.M) || params.M < 2) throw invalidParameter(`M must be an integer ≥ 2, got ${params.M}`);
  if (!Number.isInteger(params.efConstruction) || params.efConstruction < 1) {
    throw invalidParameter(`efConstruction must be a positive integer, got ${params.efConstruction}`);
  }
  if (column.kind === 'b1' && column.dim % 8 !== 0) throw invalidParameter('binary vector dim must be a multiple of 8');
  const started = performance.now();
  const n = vectorCount(column);
  const quantization = effectiveQuantization(column.kind, metric, params.quantization);
  const threads = Math.max(1, opts.threads || availableParallelism());
  const index = createUsearchIndex({
    dimensions: column.dim,
    metric: usearchMetric(metric),
    quantization,
    connectivity: params.M,
    expansionAdd: params.efConstruction,
    expansionSearch: 1,
  });
  // Float input goes in one call (no copy, one thread pool); other kinds are converted in
  // chunks so the temporary Float32Array stays small.
  const chunk = column.kind === 'f32' ? Math.max(n, 1) : Math.max(1, opts.chunkRows ?? 16_384);
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    index.add(rowKeys(start, end), usearchInput(column, start, end), threads);
  }
  const tmp = `${path}.tmp`;
  try {
    index.save(tmp);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return { rows: n, quantization, bytes: statSync(path).size, ms: performance.now() - started };
}

/**
 * Like {@link buildHnsw} but returns the index file's bytes (the binding cannot serialize to
 * memory, so it goes through a private temporary directory that is always removed).
 */
export function buildHnswBytes(
  column: VectorColumn,
  params: HnswParams,
  opts: HnswBuildOptions & { tmpDir?: string } = {},
): HnswBuildResult & { data: Uint8Array } {
  const dir = mkdtempSync(join(opts.tmpDir ?? tmpdir(), 'quiver-hnsw-'));
  try {
    const path = join(dir, 'index.usearch');
    const result = buildHnsw(column, params, path, opts);
    return { ...result, data: readFileSync(path) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
