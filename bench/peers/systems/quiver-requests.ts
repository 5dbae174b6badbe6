/**
 * The request bodies quiver's peer measures send: one-query searches (filtered on `tag` when
 * asked) and the size of insert batches, shared by the sweep (quiver.ts) and the restarts
 * (quiver-restart.ts) so both speak to the server the same way.
 */
import type { PeerDataset } from '../data/dataset.ts';
import type { FilterSpec } from '../params.ts';

/** The Milvus filter expression of a filter. */
export function milvusFilter(f: FilterSpec): string {
  return `tag ${f.op} ${f.value}`;
}

/** Rows per insert request: about half a million numbers each, a bounded body at any dimension. */
export function insertBatch(dim: number): number {
  return Math.max(50, Math.min(1000, Math.floor(500_000 / dim)));
}

/** The body of a search for query `q` (k hits, beam `ef`, consistency Eventually). */
export function searchBody(collection: string, data: PeerDataset, q: number, k: number, ef: number, filter: FilterSpec | null = null): string {
  const dim = data.ds.spec.dim;
  return JSON.stringify({
    collectionName: collection,
    data: [Array.from(data.ds.queries.subarray(q * dim, (q + 1) * dim))],
    annsField: 'vector',
    limit: k,
    ...(filter ? { filter: milvusFilter(filter) } : {}),
    searchParams: { metricType: data.metric === 'cosine' ? 'COSINE' : 'L2', params: { ef } },
    consistencyLevel: 'Eventually',
  });
}
