/**
 * Merges segments into one: keeps only live rows (newest LSN per key wins, deleted keys gone,
 * rows of dropped partitions and rows past the collection TTL purged) and the tombstones still
 * needed to hide rows in segments outside the merge.
 */
import type { CollectionInfo, VectorColumn } from '../../shared/schema/types.ts';
import { emptySegmentData, type SegmentData } from '../../shared/segment/format.ts';
import { VisibilityTracker } from '../../shared/segment/visibility.ts';
import { concatColumns, pickColumnRows } from '../../shared/schema/vector-column.ts';

export interface MergeInput {
  data: SegmentData;
  lsnMin: number;
  lsnMax: number;
}

export interface MergeOptions {
  collection: CollectionInfo;
  /** True when the inputs are every segment of the shard: tombstones can then be dropped. */
  coversShard: boolean;
  now: number;
}

function ttlMs(c: CollectionInfo): number {
  const s = Number(c.properties['collection.ttl.seconds'] ?? 0);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 0;
}

/** The merged segment data (inputs in any order). */
export function mergeSegments(inputs: MergeInput[], o: MergeOptions): SegmentData {
  const ordered = inputs.slice().sort((a, b) => a.lsnMin - b.lsnMin);
  const tracker = new VisibilityTracker();
  for (const seg of ordered) tracker.add(seg.data);
  const live = tracker.bitmaps();
  const partitionIds = new Set(o.collection.partitions.map((p) => p.id));
  const ttl = ttlMs(o.collection);
  const out = emptySegmentData();
  const lsns: number[] = [];
  const ts: number[] = [];
  const vectorNames = new Set(ordered.flatMap((s) => Object.keys(s.data.vectors)));
  const scalarNames = new Set(ordered.flatMap((s) => Object.keys(s.data.scalars)));
  const vectorParts: Record<string, VectorColumn[]> = {};
  for (const name of scalarNames) out.scalars[name] = [];
  ordered.forEach((seg, s) => {
    const keep: number[] = [];
    const d = seg.data;
    for (let r = 0; r < d.pks.length; r++) {
      if (!live[s][r]) continue;
      if (!partitionIds.has(d.partitions[r])) continue;
      if (ttl > 0 && d.ts[r] + ttl <= o.now) continue;
      keep.push(r);
    }
    for (const r of keep) {
      out.pks.push(d.pks[r]);
      out.partitions.push(d.partitions[r]);
      lsns.push(d.lsns[r]);
      ts.push(d.ts[r]);
    }
    for (const name of scalarNames) {
      const col = d.scalars[name];
      for (const r of keep) out.scalars[name].push(col ? col[r] : null);
    }
    for (const name of vectorNames) {
      const col = d.vectors[name];
      if (col) (vectorParts[name] ??= []).push(pickColumnRows(col, keep));
    }
  });
  for (const [name, parts] of Object.entries(vectorParts)) out.vectors[name] = concatColumns(parts);
  out.lsns = Float64Array.from(lsns);
  out.ts = Float64Array.from(ts);
  if (!o.coversShard) {
    // A tombstone that still wins for its key may hide rows in segments outside this merge.
    const tPks = [];
    const tLsns = [];
    for (const seg of ordered) {
      const t = seg.data.tombstones;
      for (let i = 0; i < t.pks.length; i++) {
        if (tracker.winningLsn(t.pks[i]) === t.lsns[i] && !tracker.locate(t.pks[i])) {
          tPks.push(t.pks[i]);
          tLsns.push(t.lsns[i]);
        }
      }
    }
    out.tombstones = { pks: tPks, lsns: Float64Array.from(tLsns) };
  }
  return out;
}
