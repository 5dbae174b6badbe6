/**
 * One shard owned by this indexer: the manifest it owns (with its epoch), the rows buffered since
 * the last publish, and a lock that serialises publishes (flush and compaction both publish).
 */
import type { VersionedManifest } from '../shared/manifest/manifest.ts';
import type { TopicPartition } from '../shared/ports/log.ts';
import type { CollectionInfo } from '../shared/schema/types.ts';
import { SegmentBuilder } from '../shared/segment/builder.ts';

export type ShardStatus =
  /** Indexing normally. */
  | 'active'
  /** Another indexer took the shard over (newer epoch); this one must not publish. */
  | 'fenced'
  /** The log no longer holds checkpoint + 1 (retention trimmed it): stopped, never skipped. */
  | 'retention-gap';

export class ShardState {
  buffer = new SegmentBuilder();
  /** When the oldest buffered record arrived (ms since the epoch), or null when empty. */
  bufferedSince: number | null = null;
  /** Claim-check objects consumed into the buffer; deleted once published. */
  claims: string[] = [];
  status: ShardStatus = 'active';
  /** Human-readable reason when not active. */
  reason = '';
  /** When the shard was fenced (ms since the epoch); 0 when it never was. */
  fencedAt = 0;
  compacting = false;
  /** An explicit (full) compaction was requested while another compaction ran; it runs next. */
  fullCompactionPending = false;
  /** Last time a watermark was written, ms since the epoch. */
  lastWatermarkAt = 0;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    readonly tp: TopicPartition,
    public collection: CollectionInfo,
    public owned: VersionedManifest,
  ) {}

  get shard(): number {
    return this.tp.partition;
  }

  get checkpoint(): number {
    return this.owned.manifest.checkpoint;
  }

  /** Runs fn after every earlier exclusive section of this shard finished. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  resetBuffer(): void {
    this.buffer = new SegmentBuilder();
    this.bufferedSince = null;
    this.claims = [];
  }
}
