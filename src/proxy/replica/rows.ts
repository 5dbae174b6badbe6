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
  /** Per-replica caches of live-row counts and segment partitions. */
  counts: LiveCounts;
}

export function collectionTtlMs(c: CollectionInfo): number {
  const s = Number(c.properties['collection.ttl.seconds'] ?? 0);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 0;
}

/** Live rows per bitmap. Bitmaps are never mutated once published, so the count can be kept. */
export class LiveCounts {
  private readonly counts = new WeakMap<Uint8Array, number>();
  private readonly partitions = new WeakMap<number[], Set<number>>();

  live(bitmap: Uint8Array): number {
    let n = this.counts.get(bitmap);
    if (n === undefined) {
      n = 0;
      for (let i = 0; i < bitmap.length; i++) n += bitmap[i];
      this.counts.set(bitmap, n);
    }
    return n;
  }

  /** Distinct partition ids of a segment's rows. */
  partitionsOf(rows: number[]): Set<number> {
    let set = this.partitions.get(rows);
    if (!set) {
      set = new Set(rows);
      this.partitions.set(rows, set);
    }
    return set;
  }
}

export interface Acceptor {
  /** Undefined when every row of the segment is visible (search needs no predicate). */
  accept: ((row: number) => boolean) | undefined;
  /** Exact number of accepted rows when known without scanning, else undefined. */
  acceptCount: number | undefined;
}

/** Which rows of this segment the request may see, bound once per segment. */
export function acceptor(seg: LoadedSegment, live: Uint8Array, v: Visibility): Acceptor {
  const d = seg.data;
  const counts = v.counts;
  const wanted = v.partitionIds ? new Set(v.partitionIds) : null;
  // Skip the partition test when every partition present in the segment is wanted.
  const parts = wanted && [...counts.partitionsOf(d.partitions)].some((p) => !wanted.has(p)) ? wanted : null;
  const pred = v.filter && !v.filter.isAlwaysTrue ? v.filter.bind({ pks: d.pks, scalars: d.scalars }) : null;
  const cutoff = v.ttlMs > 0 ? v.now - v.ttlMs : -Infinity;
  const ts = d.ts;
  const partitions = d.partitions;
  if (!parts && !pred && v.ttlMs === 0) {
    const liveRows = counts.live(live);
    return liveRows === live.length
      ? { accept: undefined, acceptCount: liveRows }
      : { accept: (r) => live[r] === 1, acceptCount: liveRows };
  }
  return {
    accept: (r) =>
      live[r] === 1 && (parts === null || parts.has(partitions[r])) && ts[r] > cutoff && (pred === null || pred(r)),
    acceptCount: undefined,
  };
}

