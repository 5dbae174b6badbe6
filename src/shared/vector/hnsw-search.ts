/**
 * Searching a segment's HNSW index file (read-replica side). The file is memory-mapped once;
 * per-query `ef` is served from that single view by asking usearch for max(ef, k, …) results
 * from an index whose own expansion is 1 (see usearch-adapter.ts), which explores exactly as an
 * index opened with expansion_search = ef would. When the segment's raw vectors are supplied,
 * candidates are rescored exactly, so scores match flat search bit for bit and quantized
 * (f16/i8) indexes lose little recall.
 */
import { availableParallelism } from 'node:os';
import { invalidParameter } from '../errors.ts';
import type { MetricType, VectorColumn } from '../schema/types.ts';
import { DEFAULT_COST_MODEL, estimateAccepted, graphCost, planFilteredSearch, scanCost } from './filter-plan.ts';
import type { CostModel, PlanInput } from './filter-plan.ts';
import { FlatIndex, queryCount, type SearchOptions } from './flat.ts';
import { readIndexHeader } from './index-file.ts';
import type { RowScorer } from './kernels.ts';
import { beyondRadius, hasRange, inRange, scoreFromUsearch, scoreToCost, usearchMetric, validateMetric } from './metrics.ts';
import { TopK, emptyHits, type SearchHits } from './top-k.ts';
import { SearchBatcher, type BatchedMatches } from './search-batcher.ts';
import { createUsearchIndex, usearchInput, usearchSearch, type RawMatches } from './usearch-adapter.ts';
import type { Index } from 'usearch';

/** Kind and dimension of a field's vectors, for opening an index without its raw vectors. */
export interface VectorShape {
  kind: VectorColumn['kind'];
  /** Components per vector (bits for binary). */
  dim: number;
}

/** Tuning for an opened index. */
export interface HnswOpenOptions {
  /** ef when a search does not give one; default 64. */
  defaultEf?: number;
  /** Threads for batch (multi-query) searches; 0 or unset: all cores. */
  threads?: number;
  /** Cost constants for choosing between graph and exact scan under a filter. */
  costs?: CostModel;
}

/** Per-search options. */
export interface HnswSearchOptions extends SearchOptions {
  /** Beam width; raised to k when smaller. Larger is slower and more accurate. */
  ef?: number;
  /**
   * Exact number of rows `accept` admits, when the caller knows it (e.g. bitmap cardinality);
   * otherwise it is estimated by sampling the predicate.
   */
  acceptCount?: number;
}

/** Largest first-round batch, in candidates over all queries (12 bytes each). */
const MAX_BATCH_CANDIDATES = 1 << 22;

/** A memory-mapped HNSW index of one vector field of one segment. */
export class HnswIndex {
  /** Number of indexed vectors. */
  readonly size: number;
  private view: Index | undefined;
  private readonly flat: FlatIndex | undefined;
  private readonly connectivity: number;
  private readonly threads: number;
  private readonly defaultEf: number;
  private readonly costs: CostModel;
  /** Storage precision recorded in the file (f32, f16, i8, b1). */
  readonly quantization: string;
  private readonly kind: VectorColumn['kind'];
  private readonly dim: number;
  /** Index distances equal exact scores up to f32 rounding. */
  private readonly exactStorage: boolean;
  /** Coalesces concurrent single-query searches (see searchAsync). */
  private readonly batcher: SearchBatcher;

  private constructor(
    readonly path: string,
    vectors: VectorColumn | VectorShape,
    readonly metric: MetricType,
    opts: HnswOpenOptions,
  ) {
    const { kind, dim } = vectors;
    validateMetric(metric, kind);
    this.kind = kind;
    this.dim = dim;
    const header = readIndexHeader(path);
    if (header.metric !== usearchMetric(metric) || header.dimensions !== dim) {
      throw invalidParameter(
        `index file ${path} was built for ${header.metric}/dim ${header.dimensions}, not ${metric}/dim ${dim}`,
      );
    }
    this.quantization = header.quantization;
    this.exactStorage = header.quantization === 'f32' || header.quantization === 'b1';
    const view = createUsearchIndex({
      dimensions: dim,
      metric: usearchMetric(metric),
      quantization: kind === 'b1' ? 'b1' : 'f32',
      connectivity: 16,
      expansionAdd: 1,
      expansionSearch: 1,
    });
    view.view(path);
    this.view = view;
    this.size = view.size();
    this.connectivity = view.connectivity();
    if ('data' in vectors) {
      this.flat = new FlatIndex(vectors, metric);
      if (this.flat.size !== this.size) {
        throw invalidParameter(`raw vectors hold ${this.flat.size} rows, index ${path} holds ${this.size}`);
      }
    }
    this.threads = Math.max(1, opts.threads || availableParallelism());
    this.defaultEf = Math.max(1, opts.defaultEf ?? 64);
    this.costs = opts.costs ?? DEFAULT_COST_MODEL;
    // usearch inputs hold `dim` elements per vector for every kind (binary arrives unpacked).
    this.batcher = new SearchBatcher(() => this.view, dim, this.threads);
  }

  /**
   * Memory-maps the index file at `path` (no copy into the heap; pages load on demand and are
   * shared with other views of the file). `vectors` are the segment's raw vectors, row-aligned
   * with the index keys: they enable exact rescoring (scores then equal flat search's, and
   * f16/i8 indexes lose little recall) and the exact path for selective filters. Passing only
   * their shape works, with scores from the index (approximate for f16/i8) and filters served by
   * over-fetching only. Throws the native error when the file is missing or unreadable and 1100
   * when it does not match `vectors`/`metric`.
   */
  static open(path: string, vectors: VectorColumn | VectorShape, metric: MetricType, opts: HnswOpenOptions = {}): HnswIndex {
    return new HnswIndex(path, vectors, metric, opts);
  }

  /**
   * Drops the mapping. The binding has no explicit unmap: the native index is released when
   * garbage collected. Searching afterwards throws.
   */
  close(): void {
    this.view = undefined;
  }

  /**
   * Best k rows per query with Milvus scores, best first. With `accept`, only accepted rows are
   * returned and up to k of them are found whenever they exist (the graph is searched wider
   * until k accepted rows are seen or the graph is exhausted; raw vectors allow an exact scan
   * instead when that is cheaper). With `radius`/`rangeFilter`, only in-range rows are returned.
   * Throws 1100 for mismatched queries or range bounds.
   */
  search(queries: VectorColumn, k: number, opts: HnswSearchOptions = {}): SearchHits[] {
    const call = this.prepare(queries, k, opts);
    if (!('view' in call)) return call;
    const { nq, want, kk } = call;
    // One multi-threaded native call serves the first round of every query, unless the result
    // buffers (12 bytes per candidate) would get large; then each query asks on its own.
    const batch = nq > 1 && nq * want <= MAX_BATCH_CANDIDATES ? usearchSearch(call.view, call.input, nq, want, this.threads) : undefined;
    const heap = new TopK(kk);
    const out: SearchHits[] = [];
    for (let q = 0; q < nq; q++) out.push(this.searchOne(call, q, heap, batch && { matches: batch, row: q }, want));
    return out;
  }

  /**
   * Same results as {@link search}. A single query's first graph round is queued and run
   * together with the other queries that arrive in the same event-loop turn, in one native call
   * spread over the index's threads, so concurrent requests use every core instead of queueing
   * on the caller's thread. Several queries, or searches served by an exact scan, run as in
   * `search`.
   */
  async searchAsync(queries: VectorColumn, k: number, opts: HnswSearchOptions = {}): Promise<SearchHits[]> {
    const call = this.prepare(queries, k, opts);
    if (!('view' in call)) return call;
    if (call.nq > 1) return this.search(queries, k, opts);
    const first = await this.batcher.search(call.input, call.want);
    return [this.searchOne(call, 0, new TopK(call.kk), first, call.want)];
  }

  /** Validates a search and plans its first round; answers directly when nothing needs the graph. */
  private prepare(queries: VectorColumn, k: number, opts: HnswSearchOptions): SearchCall | SearchHits[] {
    if (!this.view) throw new Error(`HNSW index ${this.path} is closed`);
    const nq = queryCount(this.kind, this.dim, queries);
    validateMetric(this.metric, this.kind, opts);
    const kk = Math.max(0, Math.min(Math.floor(k), this.size));
    if (kk === 0 || nq === 0) return Array.from({ length: nq }, emptyHits);
    const ef = Math.max(kk, Math.floor(opts.ef ?? this.defaultEf));
    let accepted = this.size;
    let want = ef;
    if (opts.accept) {
      accepted = opts.acceptCount ?? estimateAccepted(this.size, opts.accept);
      const plan = planFilteredSearch(this.planInput(kk, ef, accepted));
      if (plan.mode === 'empty') return Array.from({ length: nq }, emptyHits);
      if (plan.mode === 'scan') return this.flat!.search(queries, kk, opts);
      want = plan.want;
    }
    want = Math.min(want, this.size);
    const input = usearchInput(queries, 0, nq);
    return { view: this.view, queries, input, stride: input.length / nq, opts, accepted, ef, nq, kk, want };
  }

  private planInput(k: number, ef: number, accepted: number): PlanInput {
    return {
      n: this.size,
      k,
      ef,
      dim: this.dim,
      connectivity: this.connectivity,
      accepted,
      canScan: this.flat !== undefined,
      costs: this.costs,
    };
  }

  /**
   * Collects query q from the batch results, then widens that query's graph search (×4 each
   * round) until k rows qualify, nothing more can qualify, or an exact scan becomes cheaper.
   */
  private searchOne(call: SearchCall, q: number, heap: TopK, first: BatchedMatches | undefined, firstWant: number): SearchHits {
    const { metric } = this;
    const n = this.size;
    const scorer = this.flat?.scorer(call.queries, q);
    let matches: RawMatches | undefined = first?.matches;
    let mq = first?.row ?? 0;
    let want = firstWant;
    for (;;) {
      if (!matches) {
        matches = usearchSearch(call.view, call.input.subarray(q * call.stride, (q + 1) * call.stride), 1, want, 1);
        mq = 0;
      }
      heap.reset();
      const end = this.collect(matches, mq, heap, scorer, call.opts);
      if (heap.full || end === 'beyond') return heap.drain(metric);
      // A walk returning fewer candidates than asked (want ≤ n) could not reach part of the
      // graph; only a scan finds the rest.
      if (end === 'exhausted' || want >= n) {
        if (!this.flat || end !== 'exhausted') return heap.drain(metric);
        heap.reset();
        return this.flat.searchOne(call.queries, q, heap, call.opts);
      }
      want = Math.min(n, want * 4);
      if (this.flat && this.scanIsCheaper(call, heap.k, want)) {
        heap.reset();
        return this.flat.searchOne(call.queries, q, heap, call.opts);
      }
      matches = undefined;
    }
  }

  /**
   * Offers query mq's candidates to the heap and says whether widening could add more:
   * 'exhausted' when the graph returned fewer candidates than asked, 'beyond' when (range
   * search) the worst candidate is already outside the radius, else 'more'.
   */
  private collect(
    m: RawMatches,
    mq: number,
    heap: TopK,
    scorer: RowScorer | undefined,
    opts: HnswSearchOptions,
  ): 'exhausted' | 'beyond' | 'more' {
    const { metric } = this;
    const { accept } = opts;
    const ranged = hasRange(opts);
    const base = mq * m.wanted;
    const count = m.counts[mq];
    // Candidates arrive best first by index distance. When that distance is exact up to f32
    // rounding (f32/b1 storage), nothing after a full heap's worst entry can get in, so the
    // rest is skipped; f16/i8 distances are too coarse for that and every candidate is rescored.
    const slack = scorer ? (this.exactStorage ? 1e-4 : Infinity) : 0;
    for (let i = 0; i < count; i++) {
      const approx = scoreFromUsearch(metric, m.distances[base + i]);
      if (heap.full && slack !== Infinity) {
        const worst = heap.worstCost;
        if (scoreToCost(metric, approx) > worst + slack * Math.max(1, Math.abs(worst))) break;
      }
      const row = Number(m.keys[base + i]);
      if (accept && !accept(row)) continue;
      const score = scorer ? scorer(row) : approx;
      if (ranged && !inRange(metric, score, opts)) continue;
      heap.push(scoreToCost(metric, score), row);
    }
    if (count < m.wanted) return 'exhausted';
    if (ranged && count > 0 && beyondRadius(metric, scoreFromUsearch(metric, m.distances[base + count - 1]), opts)) {
      return 'beyond';
    }
    return 'more';
  }

  private scanIsCheaper(call: SearchCall, k: number, want: number): boolean {
    const input = this.planInput(k, call.ef, call.accepted);
    return scanCost(input) <= graphCost(input, want);
  }
}

/** State shared by the queries of one search call. */
interface SearchCall {
  view: Index;
  queries: VectorColumn;
  /** All queries converted for usearch, back to back. */
  input: Float32Array | Int8Array;
  /** Elements of `input` per query. */
  stride: number;
  opts: HnswSearchOptions;
  /** Accepted rows (estimated or given); the segment size when unfiltered. */
  accepted: number;
  ef: number;
  /** Queries in the call. */
  nq: number;
  /** Results per query (k capped at the index size). */
  kk: number;
  /** Candidates asked of the first graph round. */
  want: number;
}
