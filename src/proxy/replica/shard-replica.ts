/**
 * The replica of one shard: the loaded segments and their live-row bitmaps as an immutable
 * snapshot. A new manifest loads the new segments first and then swaps the snapshot atomically;
 * queries keep the snapshot they started with, and segments that left the manifest are released
 * only after the last query holding them finished.
 */
import type { Manifest } from '../../shared/manifest/manifest.ts';
import type { ReplicaMetrics } from '../../shared/observability/metrics.ts';
import type { CollectionInfo } from '../../shared/schema/types.ts';
import type { SegmentStore } from '../../shared/segment/store.ts';
import { VisibilityTracker } from '../../shared/segment/visibility.ts';
import { loadSegment, type LoadedSegment } from './loaded-segment.ts';

export interface ShardSnapshot {
  segments: LoadedSegment[];
  /** live[s][r] === 1 when row r of segments[s] is its key's newest entry. */
  live: Uint8Array[];
  tracker: VisibilityTracker;
  /** Last log offset reflected; -1 before anything. */
  checkpoint: number;
}

/** Instrumentation of a shard replica: what to report and the clock to measure with. */
export interface ShardObserver {
  collection: number;
  metrics: ReplicaMetrics;
  /** Milliseconds since the epoch. */
  now(): number;
}

/**
 * Insert-to-visible latencies of the records a swap made searchable, seconds: one per log record
 * (a write request's rows in this shard share one offset and append time) above the previous
 * checkpoint and appended after the replica began following the shard (older records were not
 * waited for here: their latency would measure when this proxy started, not the write path).
 */
export function visibleLatencies(segments: LoadedSegment[], previousCheckpoint: number, followingSince: number, now: number): number[] {
  const out: number[] = [];
  for (const seg of segments) {
    if (seg.ref.lsnMax <= previousCheckpoint) continue;
    const { lsns, ts } = seg.data;
    let last = -1;
    for (let r = 0; r < lsns.length; r++) {
      const lsn = lsns[r];
      if (lsn === last || lsn <= previousCheckpoint) continue;
      last = lsn;
      if (ts[r] >= followingSince) out.push((now - ts[r]) / 1000);
    }
  }
  return out;
}

export class ShardReplica {
  private snap: ShardSnapshot = { segments: [], live: [], tracker: new VisibilityTracker(), checkpoint: -1 };
  private readonly users = new Map<ShardSnapshot, number>();
  private readonly retired = new Map<ShardSnapshot, LoadedSegment[]>();
  private chain: Promise<void> = Promise.resolve();
  /** Coordinator version of the manifest last applied (0 = none). */
  private version = 0;
  /** When this replica began following the shard, ms since the epoch. */
  private readonly followingSince: number;

  constructor(
    readonly shard: number,
    private readonly store: SegmentStore,
    private readonly cacheDir: string,
    private readonly observer?: ShardObserver,
  ) {
    this.followingSince = observer?.now() ?? 0;
  }

  get checkpoint(): number {
    return this.snap.checkpoint;
  }


  /** Runs fn with the current snapshot pinned (its segments stay open meanwhile). */
  async withSnapshot<T>(fn: (s: ShardSnapshot) => Promise<T> | T): Promise<T> {
    const s = this.snap;
    this.users.set(s, (this.users.get(s) ?? 0) + 1);
    try {
      return await fn(s);
    } finally {
      const n = (this.users.get(s) ?? 1) - 1;
      if (n === 0) this.users.delete(s);
      else this.users.set(s, n);
      this.releaseRetired();
    }
  }

  /**
   * Reads the shard's manifest and applies it when its version differs from the applied one.
   * Reads and applies are serialised, so the newest read always wins. "Differs", not "is
   * greater": a coordinator restored from backups numbers versions anew.
   */
  refresh(c: CollectionInfo, read: () => Promise<{ manifest: Manifest; version: number } | null>): Promise<void> {
    const run = this.chain.then(async () => {
      const m = await read();
      if (m && m.version !== this.version) await this.applyNow(c, m.manifest, m.version);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Releases every segment (collection released). */
  async close(): Promise<void> {
    await this.chain;
    const all = this.snap.segments;
    this.snap = { segments: [], live: [], tracker: new VisibilityTracker(), checkpoint: -1 };
    await Promise.all(all.map((s) => s.release()));
  }

  private async applyNow(c: CollectionInfo, m: Manifest, version: number): Promise<void> {
    const cur = this.snap;
    const have = new Map(cur.segments.map((s) => [s.ref.id, s]));
    const wanted = new Set(m.segments.map((r) => r.id));
    const added = m.segments.filter((r) => !have.has(r.id));
    const removed = cur.segments.filter((s) => !wanted.has(s.ref.id));
    const loaded = await Promise.all(added.map((r) => loadSegment(this.store, c, this.shard, r, this.cacheDir)));
    let next: ShardSnapshot;
    if (removed.length === 0) {
      // Common case (a flush): extend the tracker incrementally, oldest new segment first.
      const tracker = cur.tracker;
      const segments = cur.segments.slice();
      for (const seg of loaded.sort((a, b) => a.ref.lsnMin - b.ref.lsnMin)) {
        tracker.add(seg.data);
        segments.push(seg);
      }
      next = { segments, live: tracker.bitmaps(), tracker, checkpoint: m.checkpoint };
    } else {
      const byId = new Map([...have, ...loaded.map((s) => [s.ref.id, s] as const)]);
      const segments = m.segments.map((r) => byId.get(r.id)!).sort((a, b) => a.ref.lsnMin - b.ref.lsnMin);
      const tracker = new VisibilityTracker();
      for (const seg of segments) tracker.add(seg.data);
      next = { segments, live: tracker.bitmaps(), tracker, checkpoint: m.checkpoint };
    }
    this.snap = next;
    this.version = version;
    this.report(cur.checkpoint, m.segments.length - added.length, loaded);
    if (removed.length > 0) {
      this.retired.set(cur, removed);
      this.releaseRetired();
    }
  }

  private report(previousCheckpoint: number, hits: number, loaded: LoadedSegment[]): void {
    const o = this.observer;
    if (!o) return;
    const id = { collection: o.collection, shard: this.shard };
    o.metrics.segmentsApplied(id, hits, loaded.length, loaded.reduce((n, s) => n + s.ref.bytes, 0));
    const latencies = visibleLatencies(loaded, previousCheckpoint, this.followingSince, o.now());
    if (latencies.length > 0) o.metrics.recordsVisible(id, latencies);
  }

  private releaseRetired(): void {
    // Conservative: a removed segment may be in several older snapshots, so wait for a moment
    // when no query at all is in flight on this shard.
    if (this.users.size > 0) return;
    for (const [s, segs] of this.retired) {
      this.retired.delete(s);
      for (const seg of segs) void seg.release();
    }
  }
}
