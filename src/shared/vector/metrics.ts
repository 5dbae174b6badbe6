/**
 * Milvus metric semantics shared by exact and HNSW search.
 *
 * A "score" is the number Milvus reports as `distance` for a hit:
 * - L2: squared euclidean distance, smaller is better;
 * - IP: inner product, larger is better;
 * - COSINE: cosine similarity in [-1, 1], larger is better;
 * - HAMMING: number of differing bits, smaller is better;
 * - JACCARD: 1 - |A ∩ B| / |A ∪ B| over set bits, smaller is better (0 when both are empty).
 *
 * usearch always ranks by a distance where smaller is better; for `cos` it returns 1 - cosine
 * and for `ip` it returns 1 - dot (checked against hand-computed values in the unit tests), so
 * those two convert back by `1 - d`. `l2sq`, `hamming` and `tanimoto` already match Milvus.
 */
import { invalidParameter } from '../errors.ts';
import type { MetricType, VectorColumn } from '../schema/types.ts';

/** usearch metric names quiver uses. Others are unknown to the native parser and abort the process. */
export type UsearchMetric = 'l2sq' | 'ip' | 'cos' | 'hamming' | 'tanimoto';

/** True when smaller scores are better (L2, HAMMING, JACCARD). */
export function isDistanceMetric(metric: MetricType): boolean {
  return metric === 'L2' || metric === 'HAMMING' || metric === 'JACCARD';
}

/** True when `a` ranks strictly before `b` under `metric`. Equal scores are not better. */
export function better(metric: MetricType, a: number, b: number): boolean {
  return isDistanceMetric(metric) ? a < b : a > b;
}

/**
 * Comparator sorting scores best first under `metric` (use with Array#sort).
 * Equal scores compare 0, so callers that need a stable order break ties themselves (by row).
 */
export function compareScores(metric: MetricType): (a: number, b: number) => number {
  return isDistanceMetric(metric) ? (a, b) => a - b : (a, b) => b - a;
}

/**
 * Maps a score to a cost where smaller is always better, so heaps need one ordering only.
 * The mapping is monotonic and exactly invertible (negation).
 */
export function scoreToCost(metric: MetricType, score: number): number {
  return isDistanceMetric(metric) ? score : -score;
}

/** Inverse of {@link scoreToCost}. */
export function costToScore(metric: MetricType, cost: number): number {
  return isDistanceMetric(metric) ? cost : -cost;
}

/**
 * The usearch metric implementing `metric`. Milvus JACCARD is usearch `tanimoto`: on bit
 * vectors both are 1 - |A ∩ B| / |A ∪ B|, and the JS binding does not parse the name "jaccard".
 */
export function usearchMetric(metric: MetricType): UsearchMetric {
  switch (metric) {
    case 'L2':
      return 'l2sq';
    case 'IP':
      return 'ip';
    case 'COSINE':
      return 'cos';
    case 'HAMMING':
      return 'hamming';
    case 'JACCARD':
      return 'tanimoto';
    default:
      throw invalidParameter(`unsupported metric type ${String(metric)}`);
  }
}

/** Converts a distance returned by usearch for `metric` into the Milvus score. */
export function scoreFromUsearch(metric: MetricType, distance: number): number {
  return metric === 'IP' || metric === 'COSINE' ? 1 - distance : distance;
}

/** Inverse of {@link scoreFromUsearch}: the usearch distance that corresponds to a score. */
export function usearchFromScore(metric: MetricType, score: number): number {
  return metric === 'IP' || metric === 'COSINE' ? 1 - score : score;
}

/** Range search bounds in Milvus terms; either may be absent (unbounded on that side). */
export interface ScoreRange {
  /** The outer bound: L2/HAMMING/JACCARD keep d < radius; IP/COSINE keep s > radius. */
  radius?: number;
  /** The inner bound: L2/HAMMING/JACCARD keep d >= rangeFilter; IP/COSINE keep s <= rangeFilter. */
  rangeFilter?: number;
}

/** True when any bound is set, i.e. the search is a range search. */
export function hasRange(range: ScoreRange): boolean {
  return range.radius !== undefined || range.rangeFilter !== undefined;
}

/**
 * Milvus range semantics: for L2/HAMMING/JACCARD keep `rangeFilter <= d < radius`, for IP/COSINE
 * keep `radius < s <= rangeFilter`. Missing bounds do not restrict.
 */
export function inRange(metric: MetricType, score: number, range: ScoreRange): boolean {
  const { radius, rangeFilter } = range;
  if (isDistanceMetric(metric)) {
    return (radius === undefined || score < radius) && (rangeFilter === undefined || score >= rangeFilter);
  }
  return (radius === undefined || score > radius) && (rangeFilter === undefined || score <= rangeFilter);
}

/**
 * True when `score` is on the far side of the radius, so every worse score is out of range too.
 * Used to stop widening a range search.
 */
export function beyondRadius(metric: MetricType, score: number, range: ScoreRange): boolean {
  if (range.radius === undefined) return false;
  return isDistanceMetric(metric) ? score >= range.radius : score <= range.radius;
}

/**
 * Checks that `metric` applies to vectors of `kind` (float and int8 vectors: L2/IP/COSINE;
 * binary vectors: HAMMING/JACCARD) and that range bounds are ordered. Throws code 1100 otherwise.
 */
export function validateMetric(metric: MetricType, kind: VectorColumn['kind'], range: ScoreRange = {}): void {
  const binary = metric === 'HAMMING' || metric === 'JACCARD';
  const known = binary || metric === 'L2' || metric === 'IP' || metric === 'COSINE';
  if (!known) throw invalidParameter(`unsupported metric type ${String(metric)}`);
  if (binary !== (kind === 'b1')) {
    const what = kind === 'b1' ? 'binary vectors' : 'float/int8 vectors';
    throw invalidParameter(`metric type ${metric} does not apply to ${what}`);
  }
  const { radius, rangeFilter } = range;
  if (radius !== undefined && rangeFilter !== undefined) {
    const ordered = isDistanceMetric(metric) ? rangeFilter < radius : radius < rangeFilter;
    if (!ordered) {
      throw invalidParameter(
        isDistanceMetric(metric)
          ? `range_filter must be less than radius for ${metric}`
          : `range_filter must be greater than radius for ${metric}`,
      );
    }
  }
}
