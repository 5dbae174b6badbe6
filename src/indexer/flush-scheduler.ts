/**
 * When each owned shard is flushed, and running the flushes. A shard is due once its oldest
 * unpublished record was appended to the log `flushIntervalMs` ago, or its buffer holds
 * `maxBufferRows`, or a reader asked for a flush, or at once after a failed flush (after a short
 * pause). Due shards flush concurrently — at most MAX_CONCURRENT_FLUSHES at a time, one at a
 * time per shard — so one shard's object-store round trips delay neither the other shards nor
 * consumption. A flush takes everything buffered when it starts, so a shard whose flushes are
 * slow gets larger segments rather than a queue of flushes.
 */
import type { IndexerConfig } from '../shared/config/schema.ts';
import type { Logger } from '../shared/logger.ts';
import type { ShardState } from './shard-state.ts';

/** Flushes running at once per indexer: enough for every shard of a typical member. */
const MAX_CONCURRENT_FLUSHES = 8;
/** Pause before a shard whose flush failed is flushed again, ms. */
const RETRY_AFTER_MS = 200;

export interface FlushSchedulerDeps {
  config: Pick<IndexerConfig, 'flushIntervalMs' | 'maxBufferRows'>;
  logger: Logger;
  now(): number;
  /** The shards this member owns now. */
  shards(): Iterable<ShardState>;
  /** Publishes the shard's buffered records (serialised per shard by the caller). */
  flush(state: ShardState): Promise<void>;
}

export class FlushScheduler {
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: FlushSchedulerDeps) {}

  /** Starts the flush of every due shard, as long as fewer than the bound are running. */
  startDue(now = this.deps.now()): void {
    if (this.stopped) return;
    for (const state of this.deps.shards()) {
      if (this.running.size >= MAX_CONCURRENT_FLUSHES) return;
      if (this.isDue(state, now)) this.start(state);
    }
  }

  /** Whether the shard should start a flush now. */
  isDue(s: ShardState, now: number): boolean {
    if (s.status !== 'active' || s.flushing || !s.hasUnpublished || now < s.retryAt) return false;
    if (s.sealed.length > 0 || s.flushRequested || s.buffer.rowCount >= this.deps.config.maxBufferRows) return true;
    return now - s.bufferedSince! >= this.deps.config.flushIntervalMs;
  }

  /**
   * How long the consumer may wait for records before a shard that is not flushing becomes due,
   * ms (at most `maxMs`, at least 1). Shards that are flushing start their next flush when the
   * running one ends.
   */
  msUntilDue(now: number, maxMs: number): number {
    let wait = maxMs;
    for (const s of this.deps.shards()) {
      if (s.status !== 'active' || s.flushing || s.bufferedSince === null) continue;
      wait = Math.min(wait, s.bufferedSince + this.deps.config.flushIntervalMs - now);
    }
    return Math.max(1, Math.ceil(wait));
  }

  /**
   * Backpressure for the consumer: resolves once no shard with a running flush has buffered
   * `maxBufferRows` more rows meanwhile, so a slow object store bounds memory instead of the
   * buffers growing without limit.
   */
  async backpressure(): Promise<void> {
    const full = () => [...this.deps.shards()].some((s) => s.flushing && s.buffer.rowCount >= this.deps.config.maxBufferRows);
    while (this.running.size > 0 && full()) await Promise.race(this.running);
  }

  /** Allows flushes to start (again, after stop). */
  resume(): void {
    this.stopped = false;
  }

  /** Starts no more flushes; resolves when the running ones ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.running]);
  }

  private start(state: ShardState): void {
    state.flushing = true;
    const run: Promise<void> = this.deps
      .flush(state)
      .then(
        () => {
          state.retryAt = 0;
        },
        (err: unknown) => {
          state.retryAt = this.deps.now() + RETRY_AFTER_MS;
          this.deps.logger.error('flush failed; will retry', { topic: state.tp.topic, shard: state.shard, error: (err as Error).message });
        },
      )
      .finally(() => {
        state.flushing = false;
        this.running.delete(run);
        // Records consumed during this flush may be due already; a slot is free for others.
        this.startDue();
      });
    this.running.add(run);
  }
}
