/**
 * Which segments to merge next. Flat (level 0) segments are merged in two steps: every
 * `l0MergeCount` small ones (flushes: below hnswMinRows / l0MergeCount rows) into one flat
 * segment, which is then left alone, so a merge never rewrites what an earlier merge wrote; once
 * the flat segments together hold `hnswMinRows` rows they are all merged into one indexed
 * segment. Indexed segments are merged size-tiered (segments within a factor of 4 in size form a
 * tier), which bounds write amplification to O(log n) rewrites per row.
 */
import type { Manifest, SegmentRef } from '../../shared/manifest/manifest.ts';

/** Segments whose sizes differ by at most this factor belong to one tier. */
const TIER_RATIO = 4;

export interface CompactionSettings {
  l0MergeCount: number;
  hnswMinRows: number;
  tierMergeCount: number;
}

/** Segments to merge now, or null. `full` merges everything (explicit compact). */
export function pickCompaction(m: Manifest, s: CompactionSettings, full = false): SegmentRef[] | null {
  if (full) return m.segments.length > 1 || m.segments.some((x) => x.tombstones > 0) ? m.segments.slice() : null;
  const flat = m.segments.filter((x) => x.level === 0);
  const flatRows = flat.reduce((n, x) => n + x.rows, 0);
  if (flatRows >= s.hnswMinRows && flat.length > 0) return flat;
  // Fewer than l0MergeCount flat segments are ever large (together they would reach
  // hnswMinRows), so a shard holds fewer than 2 * l0MergeCount flat segments.
  const small = flat.filter((x) => x.rows < s.hnswMinRows / s.l0MergeCount);
  if (small.length >= s.l0MergeCount) return small;
  // Smallest first: the cheapest merge that completes a tier wins.
  const indexed = m.segments.filter((x) => x.level === 1).sort((a, b) => a.rows - b.rows);
  for (let i = 0; i + s.tierMergeCount <= indexed.length; i++) {
    const window = indexed.slice(i, i + s.tierMergeCount);
    if (window[window.length - 1].rows <= TIER_RATIO * Math.max(window[0].rows, 1)) return window;
  }
  return null;
}
