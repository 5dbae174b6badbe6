/**
 * Which rows of a shard snapshot a request may see: live, in the requested partitions, not
 * expired by TTL, and matching the filter.
 */
import type { CompiledFilter } from '../../shared/filter/index.ts';
import type { CollectionInfo } from '../../shared/schema/types.ts';
import type { LoadedSegment } from './loaded-segment.ts';

export interface Visibility {
  filter: CompiledFilter | null;
  partitionIds: number[] | null;
  /** TTL in ms (0 = none) and the request time it is measured from. */
  ttlMs: number;
  now: number;
}

export function collectionTtlMs(c: CollectionInfo): number {
  const s = Number(c.properties['collection.ttl.seconds'] ?? 0);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 0;
}

/** The predicate "row r of this segment is visible to the request", bound once per segment. */
export function acceptor(seg: LoadedSegment, live: Uint8Array, v: Visibility): (row: number) => boolean {
  const d = seg.data;
  const parts = v.partitionIds ? new Set(v.partitionIds) : null;
  const pred = v.filter ? v.filter.bind({ pks: d.pks, scalars: d.scalars }) : null;
  const cutoff = v.ttlMs > 0 ? v.now - v.ttlMs : -Infinity;
  const ts = d.ts;
  const partitions = d.partitions;
  if (!parts && !pred && v.ttlMs === 0) return (r) => live[r] === 1;
  return (r) =>
    live[r] === 1 &&
    (parts === null || parts.has(partitions[r])) &&
    ts[r] > cutoff &&
    (pred === null || pred(r));
}

