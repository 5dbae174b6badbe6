/**
 * Exact (brute force) search over a VectorColumn: the search of small L0 segments, the ground
 * truth for HNSW, and the path HNSW segments take when a filter accepts few rows.
 */
import { invalidParameter } from '../errors.ts';
import type { MetricType, VectorColumn } from '../schema/types.ts';
import { rowScorer, vectorCount, vectorNorms, type RowScorer } from './kernels.ts';
import { hasRange, inRange, scoreToCost, validateMetric, type ScoreRange } from './metrics.ts';
import { TopK, type SearchHits } from './top-k.ts';

/** Options common to exact and HNSW search. */
export interface SearchOptions extends ScoreRange {
  /**
   * Row predicate (e.g. partition, scalar filter, deletions). Rows for which it returns false are
   * never returned. It may be called more than once for a row (sampling, widened graph rounds),
   * so it should be cheap and pure; it must not throw.
   */
  accept?: (row: number) => boolean;
}

/**
 * Checks that `queries` holds whole vectors of the given kind and dimension and returns how
 * many queries there are. Throws 1100 on mismatch.
 */
export function queryCount(kind: VectorColumn['kind'], dim: number, queries: VectorColumn): number {
  if (queries.kind !== kind || queries.dim !== dim) {
    throw invalidParameter(`query vectors (${queries.kind}, dim ${queries.dim}) do not match the field (${kind}, dim ${dim})`);
  }
  return vectorCount(queries);
}

/**
 * Exact search over one column under one metric. Keep the instance as long as the column lives:
 * COSINE row norms are computed on first use and cached here, i.e. once per column.
 */
export class FlatIndex {
  /** Number of stored vectors. */
  readonly size: number;
  private norms: Float64Array | undefined;

  /** Throws 1100 when the metric does not apply to the column kind or the data is ragged. */
  constructor(readonly column: VectorColumn, readonly metric: MetricType) {
    validateMetric(metric, column.kind);
    if (column.kind === 'b1' && column.dim % 8 !== 0) throw invalidParameter('binary vector dim must be a multiple of 8');
    this.size = vectorCount(column);
  }

  /**
   * Top-k rows for each query, best first, with Milvus scores. k larger than the number of
   * eligible rows returns them all; k ≤ 0 returns nothing. With `radius`/`rangeFilter` only rows
   * inside the Milvus range are returned (at most k). Ties are broken by the smaller row.
   */
  search(queries: VectorColumn, k: number, opts: SearchOptions = {}): SearchHits[] {
    const nq = queryCount(this.column.kind, this.column.dim, queries);
    validateMetric(this.metric, this.column.kind, opts);
    const heap = new TopK(Math.max(0, Math.min(Math.floor(k), this.size)));
    const out: SearchHits[] = [];
    for (let q = 0; q < nq; q++) out.push(this.searchWith(heap, this.scorer(queries, q), opts));
    return out;
  }

  /**
   * Same as {@link search} for query number `q` of `queries` only, reusing `heap` (whose
   * capacity is k). Does not validate; for callers that already did.
   */
  searchOne(queries: VectorColumn, q: number, heap: TopK, opts: SearchOptions = {}): SearchHits {
    return this.searchWith(heap, this.scorer(queries, q), opts);
  }

  /** Exact Milvus score of any row for query `q` of `queries` (used to rescore approximate candidates). */
  scorer(queries: VectorColumn, q: number): RowScorer {
    return rowScorer(this.column, this.metric, queries, q, this.metric === 'COSINE' ? this.rowNorms() : undefined);
  }

  private rowNorms(): Float64Array {
    this.norms ??= vectorNorms(this.column);
    return this.norms;
  }

  private searchWith(heap: TopK, score: RowScorer, opts: SearchOptions): SearchHits {
    const { metric, size } = this;
    const accept = opts.accept;
    const ranged = hasRange(opts);
    heap.reset();
    if (heap.k === 0) return heap.drain(metric);
    // Separate loops keep the common unfiltered case free of per-row branches.
    if (!accept && !ranged) {
      for (let row = 0; row < size; row++) heap.push(scoreToCost(metric, score(row)), row);
    } else if (!ranged) {
      for (let row = 0; row < size; row++) {
        if (accept!(row)) heap.push(scoreToCost(metric, score(row)), row);
      }
    } else {
      for (let row = 0; row < size; row++) {
        if (accept && !accept(row)) continue;
        const s = score(row);
        if (inRange(metric, s, opts)) heap.push(scoreToCost(metric, s), row);
      }
    }
    return heap.drain(metric);
  }
}

/**
 * One-off exact search; builds a {@link FlatIndex} per call, so prefer keeping a FlatIndex when
 * the same column is searched repeatedly under COSINE.
 */
export function flatSearch(
  column: VectorColumn,
  metric: MetricType,
  queries: VectorColumn,
  k: number,
  opts: SearchOptions = {},
): SearchHits[] {
  return new FlatIndex(column, metric).search(queries, k, opts);
}
