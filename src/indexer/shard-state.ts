/**
 * One shard owned by this indexer: the manifest it owns (with its epoch), the rows buffered since
 * the last publish, buffers taken for a publish that has not succeeded yet, and a lock that
 * serialises publishes (flush and compaction both publish).
 */
import type { SegmentRef, VersionedManifest } from '../shared/manifest/manifest.ts';
import type { TopicPartition } from '../shared/ports/log.ts';
import type { CollectionInfo } from '../shared/schema/types.ts';
import { SegmentBuilder } from '../shared/segment/builder.ts';

/** The key of a partition in an indexer's map of owned shards: "topic/partition". */
export function partitionKey(tp: TopicPartition): string {
  return `${tp.topic}/${tp.partition}`;
}

export type ShardStatus =
  /** Indexing normally. */
  | 'active'
  /** Another indexer took the shard over (newer epoch); this one must not publish. */
  | 'fenced'
  /** The log no longer holds checkpoint + 1 (retention trimmed it): stopped, never skipped. */
  | 'retention-gap';

/** A buffer taken for publishing. Kept, with its written segment, until a publish succeeds. */
export interface SealedBuffer {
  builder: SegmentBuilder;
  /** Claim-check objects whose rows are in this buffer; deleted once published. */
  claims: string[];
  /** The flat segment written from it, once written (a failed publish reuses it). */
  ref: SegmentRef | null;
}

export class ShardState {
  buffer = new SegmentBuilder();
  /**
   * When the oldest buffered record was appended to the log (ms since the epoch, never later
   * than when it was consumed), or null when the buffer is empty. The flush deadline counts
   * from here, so time spent before the indexer consumed a record counts too.
   */
  bufferedSince: number | null = null;
  /** Claim-check objects consumed into the buffer; deleted once published. */
  claims: string[] = [];
  /** Buffers taken by a publish that has not succeeded yet (running or failed), oldest first. */
  sealed: SealedBuffer[] = [];
  /** Highest log offset in the buffers or the manifest: records up to it are never applied twice. */
  appliedThrough: number;
  /** A flush of this shard is queued or running (at most one at a time is started). */
  flushing = false;
  /** A reader asked for a flush of the collection; honoured by the next flush of this shard. */
  flushRequested = false;
  /** After a failed flush, the next one waits until then (ms since the epoch). */
  retryAt = 0;
  status: ShardStatus = 'active';
  /** Human-readable reason when not active. */
  reason = '';
  /** When the shard was fenced (ms since the epoch); 0 when it never was. */
  fencedAt = 0;
  compacting = false;
  /** An explicit (full) compaction was requested while another compaction ran; it runs next. */
  fullCompactionPending = false;
  /** When the publisher last read the collection from the catalog, ms since the epoch. */
  collectionReadAt = 0;
  /** Next offset last committed to the log group (-1: none yet), and when, ms since the epoch. */
  committedOffset = -1;
  committedAt = 0;
  /** Last time a watermark was started, ms since the epoch. */
  lastWatermarkAt = 0;
  /** A watermark write is in flight. */
  watermarking = false;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    readonly tp: TopicPartition,
    public collection: CollectionInfo,
    public owned: VersionedManifest,
  ) {
    this.appliedThrough = owned.manifest.checkpoint;
  }

  get shard(): number {
    return this.tp.partition;
  }

  get checkpoint(): number {
    return this.owned.manifest.checkpoint;
  }

  /** Whether anything consumed is not published yet. */
  get hasUnpublished(): boolean {
    return this.bufferedSince !== null || this.sealed.length > 0;
  }

  /** Runs fn after every earlier exclusive section of this shard finished. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /**
   * Moves the buffer (if it holds any offset) to `sealed` and starts a fresh one, so records
   * consumed while a publish runs go to the next publish. Synchronous: no record can slip
   * between what is taken and the fresh buffer.
   */
  seal(): void {
    if (this.buffer.lsnMax >= 0) this.sealed.push({ builder: this.buffer, claims: this.claims, ref: null });
    this.buffer = new SegmentBuilder();
    this.bufferedSince = null;
    this.claims = [];
    this.flushRequested = false;
  }
}
