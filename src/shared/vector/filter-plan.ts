/**
 * Chooses how an HNSW segment answers a filtered search: walk the graph asking for more
 * candidates than needed and drop rejected ones ("over-fetch"), or scan only the accepted rows
 * exactly. The graph walk gets expensive as the filter gets selective (it must see about
 * k / selectivity candidates) while the scan gets cheaper (it scores only accepted rows), so
 * the plan compares rough cost estimates of both.
 */

/**
 * Rough per-operation costs in nanoseconds. Only their ratios matter; they were measured with
 * 128-d f32 vectors on a shared 2-core AVX-512 Xeon, where a usearch graph walk asking for W
 * candidates cost about W × 2M × dim × 1.5 ns (upper layers and cache misses included) and
 * the JS exact kernel about 2.5 ns per component.
 */
export interface CostModel {
  /** One predicate call in the exact scan (it calls the predicate for every row). */
  predicateNs: number;
  /** One vector component in the JS exact kernels. */
  jsNsPerDim: number;
  /** One vector component in usearch's SIMD kernels, including graph-walk overhead. */
  nativeNsPerDim: number;
}

export const DEFAULT_COST_MODEL: CostModel = { predicateNs: 12, jsNsPerDim: 2.5, nativeNsPerDim: 1.5 };

/** Inputs of the decision. */
export interface PlanInput {
  /** Vectors in the segment. */
  n: number;
  /** Results wanted (already ≤ n). */
  k: number;
  /** Beam width for the unfiltered search (already ≥ k). */
  ef: number;
  /** Components per vector (bits for binary; their kernels are per byte, so this overestimates). */
  dim: number;
  /** HNSW M; base-layer nodes have up to 2M neighbors whose distances are computed. */
  connectivity: number;
  /** Estimated or exact number of accepted rows. */
  accepted: number;
  /** Whether raw vectors are available for an exact scan. */
  canScan: boolean;
  costs: CostModel;
}

/** The chosen path; `want` is the first number of graph candidates to ask for. */
export type SearchPlan = { mode: 'empty' } | { mode: 'scan' } | { mode: 'graph'; want: number };

/**
 * Estimates how many of `n` rows `accept` admits by probing up to `samples` rows, one at a
 * pseudo-random position in each of `samples` equal strata (all rows when n ≤ samples, which
 * makes the answer exact). The jitter keeps periodic predicates (row parity, round-robin
 * partitions) from aliasing with the stride; the seed is fixed so plans are reproducible.
 * A sample with no accepted row is reported as half a row's worth so selectivity never
 * becomes zero.
 */
export function estimateAccepted(n: number, accept: (row: number) => boolean, samples = 1024): number {
  if (n <= samples) {
    let c = 0;
    for (let r = 0; r < n; r++) if (accept(r)) c++;
    return c;
  }
  const step = n / samples;
  let seed = 0x9e3779b9;
  let c = 0;
  for (let i = 0; i < samples; i++) {
    // xorshift32: cheap, deterministic, local.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    const jitter = (seed >>> 0) / 4294967296;
    if (accept(Math.min(n - 1, Math.floor((i + jitter) * step)))) c++;
  }
  return Math.max(0.5, c) * step;
}

/**
 * Candidates to request so that about `max(ef, k)` accepted ones are explored: the graph
 * walk then spends roughly the same effort per accepted candidate as an unfiltered search
 * at `ef`, which keeps recall close to the unfiltered recall.
 */
export function overFetch(n: number, ef: number, accepted: number): number {
  const selectivity = Math.min(1, Math.max(accepted, 0.5) / n);
  return Math.min(n, Math.ceil(ef / selectivity));
}

/** Estimated nanoseconds of a graph walk that returns `want` candidates. */
export function graphCost(input: PlanInput, want: number): number {
  const { dim, connectivity, costs } = input;
  const visited = want * 2 * connectivity;
  // Accepted candidates are rescored exactly in JS; all of them pass the predicate.
  const rescored = Math.min(want, input.accepted);
  return visited * dim * costs.nativeNsPerDim + want * costs.predicateNs + rescored * dim * costs.jsNsPerDim;
}

/** Estimated nanoseconds of an exact scan over the accepted rows. */
export function scanCost(input: PlanInput): number {
  const { n, dim, accepted, costs } = input;
  return n * costs.predicateNs + accepted * dim * costs.jsNsPerDim;
}

/** Picks the cheaper path; without raw vectors the graph is the only option. */
export function planFilteredSearch(input: PlanInput): SearchPlan {
  if (input.accepted <= 0 || input.k <= 0) return { mode: 'empty' };
  const want = overFetch(input.n, input.ef, input.accepted);
  if (input.canScan && scanCost(input) <= graphCost(input, want)) return { mode: 'scan' };
  return { mode: 'graph', want };
}
