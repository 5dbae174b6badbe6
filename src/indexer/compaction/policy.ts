/**
 * Which segments to merge next. Flat (level 0) segments are merged once there are many of them or
 * together they are large enough to deserve an HNSW index; indexed segments are merged size-tiered
 * (segments within a factor of 4 in size form a tier), which bounds write amplification to
 * O(log n) rewrites per row.
 */
import type { Manifest, SegmentRef } from '../../shared/manifest/manifest.ts';

export interface CompactionSettings {
  l0MergeCount: number;
  hnswMinRows: number;
  tierMergeCount: number;
}

function tierOf(rows: number): number {
  return Math.floor(Math.log(Math.max(rows, 1)) / Math.log(4));
}

/** Segments to merge now, or null. `full` merges everything (explicit compact). */
export function pickCompaction(m: Manifest, s: CompactionSettings, full = false): SegmentRef[] | null {
  if (full) return m.segments.length > 1 || m.segments.some((x) => x.tombstones > 0) ? m.segments.slice() : null;
  const flat = m.segments.filter((x) => x.level === 0);
  const flatRows = flat.reduce((n, x) => n + x.rows, 0);
  if (flat.length >= s.l0MergeCount || (flatRows >= s.hnswMinRows && flat.length > 0)) return flat;
  const tiers = new Map<number, SegmentRef[]>();
  for (const seg of m.segments) {
    if (seg.level !== 1) continue;
    const t = tierOf(seg.rows);
    tiers.set(t, [...(tiers.get(t) ?? []), seg]);
  }
  for (const t of [...tiers.keys()].sort((a, b) => a - b)) {
    const group = tiers.get(t) ?? [];
    if (group.length >= s.tierMergeCount) return group;
  }
  return null;
}
