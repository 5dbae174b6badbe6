/**
 * Bounded top-k selection over (cost, row) pairs where a smaller cost is better; equal costs
 * prefer the smaller row so results are deterministic across runs and segment layouts.
 * The heap keeps the current worst kept entry at the root, so rejecting a candidate that
 * cannot make the cut costs one comparison and no allocation.
 */
import type { MetricType } from '../schema/types.ts';
import { costToScore } from './metrics.ts';

/** Hits of one query, best first. `scores` are Milvus scores (see metrics.ts). */
export interface SearchHits {
  /** Row numbers within the segment (the usearch key / position in the VectorColumn). */
  rows: Int32Array;
  scores: number[];
}

/** Max-heap of the k best (smallest cost) entries seen so far. Reusable via {@link TopK.reset}. */
export class TopK {
  private readonly costs: Float64Array;
  private readonly rows: Int32Array;
  private n = 0;

  /** @param k capacity, ≥ 0 (k = 0 keeps nothing). */
  constructor(readonly k: number) {
    this.costs = new Float64Array(k);
    this.rows = new Int32Array(k);
  }

  /** Number of entries kept (≤ k). */
  get size(): number {
    return this.n;
  }

  /** True once k entries are kept. */
  get full(): boolean {
    return this.n === this.k;
  }

  /** Cost of the worst kept entry; +Infinity while not full. */
  get worstCost(): number {
    return this.n === this.k && this.k > 0 ? this.costs[0] : Infinity;
  }

  /** Empties the heap, keeping its buffers. */
  reset(): void {
    this.n = 0;
  }

  /** True when (cost, row) would be kept by {@link push}; lets callers skip work early. */
  admits(cost: number, row: number): boolean {
    if (this.n < this.k) return true;
    if (this.k === 0) return false;
    const c = this.costs[0];
    return cost < c || (cost === c && row < this.rows[0]);
  }

  /** Offers a candidate; NaN costs are ignored because they cannot be ordered. */
  push(cost: number, row: number): void {
    if (cost !== cost || !this.admits(cost, row)) return;
    if (this.n < this.k) {
      this.siftUp(this.n++, cost, row);
    } else {
      this.siftDown(0, cost, row);
    }
  }

  /** Returns the kept entries best first as Milvus scores, and empties the heap. */
  drain(metric: MetricType): SearchHits {
    const n = this.n;
    const rows = new Int32Array(n);
    const scores = new Array<number>(n);
    // Popping the worst repeatedly fills the output from the back.
    for (let i = n - 1; i >= 0; i--) {
      rows[i] = this.rows[0];
      scores[i] = costToScore(metric, this.costs[0]);
      const last = --this.n;
      if (last > 0) this.siftDown(0, this.costs[last], this.rows[last]);
    }
    return { rows, scores };
  }

  private worse(ca: number, ra: number, cb: number, rb: number): boolean {
    return ca > cb || (ca === cb && ra > rb);
  }

  private siftUp(i: number, cost: number, row: number): void {
    const { costs, rows } = this;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.worse(cost, row, costs[p], rows[p])) break;
      costs[i] = costs[p];
      rows[i] = rows[p];
      i = p;
    }
    costs[i] = cost;
    rows[i] = row;
  }

  private siftDown(i: number, cost: number, row: number): void {
    const { costs, rows } = this;
    const n = this.n;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.worse(costs[r], rows[r], costs[l], rows[l]) ? r : l;
      if (!this.worse(costs[c], rows[c], cost, row)) break;
      costs[i] = costs[c];
      rows[i] = rows[c];
      i = c;
    }
    costs[i] = cost;
    rows[i] = row;
  }
}

/** Empty result for one query. */
export function emptyHits(): SearchHits {
  return { rows: new Int32Array(0), scores: [] };
}
