/**
 * Which stored rows are live. quiver resolves inserts, upserts and deletes by log sequence
 * number: for each primary key the entry (row or tombstone) with the highest LSN wins; a row is
 * live only if it is its key's winner. Within one LSN (duplicate keys in one request) the later
 * row wins. Used by reads (per shard, incrementally as segments arrive) and by compaction.
 */
import type { PrimaryKey } from '../schema/types.ts';
import type { SegmentData } from './format.ts';

interface Winner {
  lsn: number;
  /** Index of the segment in the tracker's list, or -1 for a tombstone. */
  segment: number;
  row: number;
}

/**
 * Live-row bitmaps for an ordered list of segments. `add` applies a newer segment
 * copy-on-write: bitmaps of older segments it supersedes rows in are replaced by fresh copies,
 * so a reader holding an earlier `bitmaps()` array keeps a consistent view.
 */
export class VisibilityTracker {
  private readonly winners = new Map<PrimaryKey, Winner>();
  private live: Uint8Array[] = [];

  /** Current bitmaps: live[s][r] === 1 when row r of segment s is live. */
  bitmaps(): Uint8Array[] {
    return this.live;
  }

  /** Adds a segment (newest last) and returns the index it got. */
  add(data: Pick<SegmentData, 'pks' | 'lsns' | 'tombstones'>): number {
    const index = this.live.length;
    const bitmap = new Uint8Array(data.pks.length);
    const next = this.live.slice();
    next.push(bitmap);
    const copied = new Set<number>([index]);
    const clear = (w: Winner) => {
      if (w.segment < 0) return;
      if (!copied.has(w.segment)) {
        next[w.segment] = next[w.segment].slice();
        copied.add(w.segment);
      }
      next[w.segment][w.row] = 0;
    };
    // Tombstones first: a row of this segment with the same LSN as a tombstone cannot exist
    // (a record is either a write or a delete), and rows with higher LSNs must win after.
    const t = data.tombstones;
    for (let i = 0; i < t.pks.length; i++) {
      const prev = this.winners.get(t.pks[i]);
      if (prev && prev.lsn > t.lsns[i]) continue;
      if (prev) clear(prev);
      this.winners.set(t.pks[i], { lsn: t.lsns[i], segment: -1, row: -1 });
    }
    for (let r = 0; r < data.pks.length; r++) {
      const pk = data.pks[r];
      const prev = this.winners.get(pk);
      if (prev && prev.lsn > data.lsns[r]) continue;
      if (prev) clear(prev);
      this.winners.set(pk, { lsn: data.lsns[r], segment: index, row: r });
      bitmap[r] = 1;
    }
    this.live = next;
    return index;
  }

  /** Where the live row of a key is, or null when the key is deleted or unknown. */
  locate(pk: PrimaryKey): { segment: number; row: number } | null {
    const w = this.winners.get(pk);
    return w && w.segment >= 0 ? { segment: w.segment, row: w.row } : null;
  }

  /** LSN of the key's winning entry (row or tombstone), or -1. */
  winningLsn(pk: PrimaryKey): number {
    return this.winners.get(pk)?.lsn ?? -1;
  }

  /** Number of live rows. */
  liveCount(): number {
    let n = 0;
    for (const w of this.winners.values()) if (w.segment >= 0) n++;
    return n;
  }
}
