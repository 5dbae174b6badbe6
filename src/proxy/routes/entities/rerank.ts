/**
 * Hybrid-search reranking, as Milvus does it. RRF: score = sum over sub-searches of
 * 1 / (k + rank), rank from 1. Weighted: score = sum of weight * normalised distance, where the
 * normalisation maps every metric to [0, 1] with higher = better (arctan for unbounded metrics).
 */
import { invalidParameter } from '../../../shared/errors.ts';
import type { MetricType, PrimaryKey } from '../../../shared/schema/types.ts';
import type { Hit } from '../../read/read-tier.ts';

export interface RerankSpec {
  strategy: 'rrf' | 'weighted';
  k?: number;
  weights?: number[];
}

export function parseRerank(raw: unknown, subSearches: number): RerankSpec {
  const r = (raw ?? { strategy: 'rrf' }) as { strategy?: unknown; params?: Record<string, unknown> };
  const strategy = String(r.strategy ?? 'rrf').toLowerCase();
  if (strategy === 'rrf') {
    const k = Number(r.params?.k ?? 60);
    if (!Number.isFinite(k) || k <= 0 || k >= 16384) throw invalidParameter(`rrf k must be in (0, 16384), got ${r.params?.k}`);
    return { strategy: 'rrf', k };
  }
  if (strategy === 'weighted') {
    const weights = r.params?.weights;
    if (!Array.isArray(weights) || weights.length !== subSearches || !weights.every((w) => typeof w === 'number' && w >= 0 && w <= 1)) {
      throw invalidParameter(`weighted rerank needs ${subSearches} weights in [0, 1]`);
    }
    return { strategy: 'weighted', weights: weights as number[] };
  }
  throw invalidParameter(`unknown rerank strategy ${String(r.strategy)}`);
}

/** Maps a Milvus score to [0, 1], higher is better. */
export function normalizeScore(metric: MetricType, d: number): number {
  switch (metric) {
    case 'COSINE':
      return (1 + d) / 2;
    case 'IP':
      return 0.5 + Math.atan(d) / Math.PI;
    default:
      return 1 - (2 * Math.atan(d)) / Math.PI;
  }
}

/** Fuses the hit lists of one query vector (one list per sub-search); best first. */
export function fuse(lists: Hit[][], metrics: MetricType[], spec: RerankSpec, take: number): Hit[] {
  const scores = new Map<PrimaryKey, { hit: Hit; score: number }>();
  lists.forEach((hits, s) => {
    hits.forEach((hit, rank) => {
      const add = spec.strategy === 'rrf' ? 1 / (spec.k! + rank + 1) : spec.weights![s] * normalizeScore(metrics[s], hit.distance);
      const cur = scores.get(hit.pk);
      if (cur) cur.score += add;
      else scores.set(hit.pk, { hit, score: add });
    });
  });
  return [...scores.values()]
    .sort((a, b) => b.score - a.score)
    .slice(0, take)
    .map(({ hit, score }) => ({ ...hit, distance: score }));
}
