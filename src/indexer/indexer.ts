/**
 * The indexer: one member of the indexers' consumer group. For each shard it owns it buffers the
 * log's records, publishes them as flat segments (flush-scheduler.ts decides when; publisher.ts
 * publishes, concurrently across shards, while consumption goes on), writes a freshness
 * watermark while caught up, and compacts in the background. The manifest — not the log's
 * committed offset — is the truth of what is indexed: on assignment the indexer takes a new
 * epoch and resumes at manifest.checkpoint + 1 (takeover.ts, which retries until it succeeds).
 */
import { ManifestStore } from '../shared/manifest/manifest.ts';
import type { Catalog } from '../shared/catalog/catalog.ts';
import { shardKeys } from '../shared/catalog/keys.ts';
import type { IndexerConfig } from '../shared/config/schema.ts';
import type { Logger } from '../shared/logger.ts';
import type { Coordinator } from '../shared/ports/coordinator.ts';
import { OffsetOutOfRangeError, type Log, type LogConsumer, type LogRecord, type TopicPartition } from '../shared/ports/log.ts';
import type { ObjectStore } from '../shared/ports/object-store.ts';
import { noopMetrics, type IndexerMetrics, type IndexerShardSample } from '../shared/observability/metrics.ts';
import type { NotReady } from '../shared/observability/readiness.ts';
import { SegmentStore } from '../shared/segment/store.ts';
import { WalCodec, type WalEntry } from '../shared/wal/entry.ts';
import type { IndexBuilder } from './build/index-builder.ts';
import { Compactor } from './compaction/compactor.ts';
import { FlushScheduler } from './flush-scheduler.ts';
import { shardProblems, sampleShards } from './indexer-health.ts';
import { ShardPublisher } from './publisher.ts';
import { gapReason, parseAcceptedGaps } from './retention-gap.ts';
import { partitionKey, type ShardState } from './shard-state.ts';
import { ShardTakeover } from './takeover.ts';
import { startWatermark } from './watermark.ts';

export interface IndexerDeps {
  log: Log;
  objects: ObjectStore;
  coordinator: Coordinator;
  catalog: Catalog;
  builder: IndexBuilder;
  config: IndexerConfig;
  topicPrefix: string;
  logger: Logger;
  now(): number;
  newId(): string;
  /** Flush, compaction, fencing and retention-gap instrumentation; default none. */
  metrics?: IndexerMetrics;
}

/** Consumer group of the indexers of one deployment (deployments are told apart by topic prefix). */
export function indexerGroup(topicPrefix: string): string {
  return `${topicPrefix}indexers`;
}
const WATERMARK_EVERY_MS = 250;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Indexer {
  private readonly shards = new Map<string, ShardState>();
  private readonly manifests: ManifestStore;
  private readonly segments: SegmentStore;
  private readonly compactor: Compactor;
  private readonly publisher: ShardPublisher;
  private readonly flushes: FlushScheduler;
  private readonly codec = new WalCodec();
  private readonly requested = { flush: new Set<number>(), compact: new Set<number>() };
  private consumer: LogConsumer | null = null;
  private loop: Promise<void> | null = null;
  private running = false;
  private unwatch: (() => void) | null = null;
  private readonly metrics: IndexerMetrics;
  private readonly takeover: ShardTakeover;

  constructor(private readonly deps: IndexerDeps) {
    this.metrics = deps.metrics ?? noopMetrics;
    this.manifests = new ManifestStore(deps.coordinator);
    this.takeover = new ShardTakeover({
      ...deps, metrics: this.metrics, manifests: this.manifests, shards: this.shards, consumer: () => this.consumer,
      accepted: parseAcceptedGaps(deps.config.acceptRetentionGap ?? ''),
    });
    this.segments = new SegmentStore(deps.objects);
    this.compactor = new Compactor({ ...deps, manifests: this.manifests, segments: this.segments });
    this.publisher = new ShardPublisher({
      ...deps, manifests: this.manifests, segments: this.segments,
      commitOffset: (tp, offset) => this.consumer?.commit(tp, offset) ?? Promise.resolve(),
    });
    this.flushes = new FlushScheduler({ ...deps, shards: () => this.shards.values(), flush: (s) => this.flush(s) });
  }

  /** Joins the group and starts indexing. Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.flushes.resume();
    this.unwatch = this.deps.coordinator.watch(shardKeys.requestPrefix(), (key) => {
      const m = /request\/(flush|compact)\/(\d+)$/.exec(key);
      if (m) this.requested[m[1] as 'flush' | 'compact'].add(Number(m[2]));
    });
    this.consumer = this.deps.log.consumer({
      groupId: indexerGroup(this.deps.topicPrefix),
      topicPattern: new RegExp(`^${escapeRegExp(this.deps.topicPrefix)}\\d+$`),
      listener: { onAssign: (tps) => this.assign(tps), onRevoke: (tps) => this.revoke(tps) },
    });
    this.loop = this.run();
  }

  /**
   * Publishes what is buffered (within deadlineMs), leaves the group and stops. Idempotent.
   * Unpublished rows are not lost: they are still in the log past the checkpoint.
   */
  async stop(deadlineMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unwatch?.();
    const deadline = new Promise<void>((r) => setTimeout(r, deadlineMs).unref?.());
    await Promise.race([
      (async () => {
        await this.loop;
        await this.flushes.stop();
        await Promise.all([...this.shards.values()].map((s) => this.publishNow(s).catch(() => undefined)));
      })(),
      deadline,
    ]);
    this.compactor.cancelPending();
    await this.consumer?.close();
    this.shards.clear();
  }

  /** Owned shards and their state, for health and tests. */
  status(): Array<{ topic: string; collection: number; shard: number; checkpoint: number; status: string; reason: string }> {
    return [...this.shards.values()].map((s) => ({
      topic: s.tp.topic, collection: s.collection.id, shard: s.shard, checkpoint: s.checkpoint, status: s.status, reason: s.reason,
    }));
  }

  /** Owned shards that cannot progress without an operator (retention gaps), for readiness. */
  notReady(): NotReady[] {
    return shardProblems(this.shards.values());
  }

  /** Checkpoint, log end offset and segments of every owned shard, for metrics. Never rejects. */
  sampleShards(): Promise<IndexerShardSample[]> {
    return sampleShards(this.deps.log, this.shards.values());
  }

  private async run(): Promise<void> {
    const maxWait = Math.max(5, Math.min(50, Math.floor(this.deps.config.flushIntervalMs / 2)));
    while (this.running) {
      try {
        await this.flushes.backpressure();
        // Wake up when the next buffer becomes due, not a whole wait later.
        const records = await this.consumer!.poll(5000, this.flushes.msUntilDue(this.deps.now(), maxWait));
        for (const r of records) await this.apply(r);
        await this.tick();
      } catch (err) {
        if (err instanceof OffsetOutOfRangeError) {
          this.stopForGap(err);
          continue;
        }
        this.deps.logger.error('indexer loop error; retrying', { error: (err as Error).message });
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /**
   * The log lost records this shard has not indexed yet: stop the shard, loudly, never skip.
   * What it already consumed is still published first (those records are gone from the log), so
   * an accepted loss covers only what retention really removed.
   */
  private stopForGap(err: OffsetOutOfRangeError): void {
    const state = this.shards.get(partitionKey(err.partition));
    const collection = state?.collection.id ?? Number(err.partition.topic.slice(this.deps.topicPrefix.length));
    const reason = gapReason(collection, err.partition.partition, err.position, err.earliest, err.latest);
    this.deps.logger.error('shard stopped: retention gap', {
      topic: err.partition.topic, shard: err.partition.partition, position: err.position, earliest: err.earliest, reason,
    });
    if (!state || state.status !== 'active') return;
    this.metrics.retentionGap({ collection, shard: state.shard }, true);
    const stop = () => {
      if (state.status !== 'active') return;
      state.status = 'retention-gap';
      state.reason = reason;
    };
    void this.publishNow(state).then(stop, (e: unknown) => {
      this.deps.logger.warn('publishing before a retention-gap stop failed', { shard: state.shard, error: (e as Error).message });
      stop();
    });
  }

  private async assign(tps: TopicPartition[]): Promise<void> {
    for (const tp of tps) await this.takeover.take(tp);
  }

  private async revoke(tps: TopicPartition[]): Promise<void> {
    for (const tp of tps) {
      const key = partitionKey(tp);
      this.takeover.forget(tp);
      const state = this.shards.get(key);
      // Out of the map first, so no scheduled flush or compaction starts for it meanwhile.
      this.shards.delete(key);
      if (state) await this.publishNow(state).catch(() => undefined);
    }
  }

  private async apply(r: LogRecord): Promise<void> {
    const state = this.shards.get(partitionKey(r));
    if (!state || state.status !== 'active') return;
    // Offsets already buffered or published must not be applied twice when delivered again.
    if (r.offset <= state.appliedThrough) return;
    let entry: WalEntry = this.codec.decode(r.payload);
    const claim = entry.kind === 'claim' ? entry.key : null;
    if (claim !== null) entry = this.codec.decode(await this.deps.objects.get(claim));
    // After the await: a flush may have sealed the buffer meanwhile, and the claim goes with the rows.
    if (claim !== null) state.claims.push(claim);
    state.appliedThrough = r.offset;
    // The flush deadline counts from the log's append time (the write's acknowledgement), not
    // from when this indexer got to the record; a clock ahead of ours cannot postpone it.
    state.bufferedSince ??= Math.min(this.deps.now(), r.timestamp > 0 ? r.timestamp : Infinity);
    if (entry.kind === 'write') state.buffer.addRows(entry.batch, r.offset, r.timestamp);
    else if (entry.kind === 'delete') state.buffer.addTombstones(entry.pks, r.offset);
    else state.buffer.touch(r.offset);
  }

  private async tick(): Promise<void> {
    const now = this.deps.now();
    const flushNow = new Set(this.requested.flush);
    const compactNow = new Set(this.requested.compact);
    this.requested.flush.clear();
    this.requested.compact.clear();
    await this.takeover.retryDue(now);
    for (const state of this.shards.values()) {
      if (state.status !== 'active') continue;
      if (flushNow.has(state.collection.id)) state.flushRequested = true;
      if (compactNow.has(state.collection.id)) this.compactor.schedule(state, true);
    }
    this.flushes.startDue(now);
    for (const state of this.shards.values()) {
      const idle = state.status === 'active' && !state.hasUnpublished && !state.flushing;
      if (!idle) continue;
      // Publishes commit offsets at most once a second: the last one of a burst is committed here.
      this.publisher.commitOffset(state);
      if (!state.watermarking && now - state.lastWatermarkAt >= WATERMARK_EVERY_MS) startWatermark({ ...this.deps, manifests: this.manifests }, state, now);
    }
  }

  /** Publishes the shard's buffered records, then lets compaction look at the new segment. */
  private async flush(state: ShardState): Promise<void> {
    const started = this.deps.now();
    let ok = false;
    try {
      await this.publishNow(state);
      ok = true;
    } finally {
      this.metrics.flushed({ collection: state.collection.id, shard: state.shard }, (this.deps.now() - started) / 1000, ok);
    }
    if (state.status === 'active') this.compactor.schedule(state, false);
  }

  /** Publishes the shard's buffered records after any publish of it already running. */
  private publishNow(state: ShardState): Promise<void> {
    return state.exclusive(() => this.publisher.publish(state));
  }
}
