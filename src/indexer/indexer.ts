/**
 * The indexer: one member of the indexers' consumer group. For each shard it owns it buffers the
 * log's records, publishes them as flat segments (flush-scheduler.ts decides when; publisher.ts
 * publishes, concurrently across shards, while consumption goes on), writes a freshness
 * watermark while caught up, and compacts in the background. The manifest — not the log's
 * committed offset — is the truth of what is indexed: on assignment the indexer takes a new
 * epoch and resumes at manifest.checkpoint + 1.
 */
import { ManifestStore } from '../shared/manifest/manifest.ts';
import type { Catalog } from '../shared/catalog/catalog.ts';
import { shardKeys } from '../shared/catalog/keys.ts';
import type { IndexerConfig } from '../shared/config/schema.ts';
import type { Logger } from '../shared/logger.ts';
import type { Coordinator } from '../shared/ports/coordinator.ts';
import { OffsetOutOfRangeError, type Log, type LogConsumer, type LogRecord, type TopicPartition } from '../shared/ports/log.ts';
import type { ObjectStore } from '../shared/ports/object-store.ts';
import { SegmentStore } from '../shared/segment/store.ts';
import { WalCodec, type WalEntry } from '../shared/wal/entry.ts';
import type { IndexBuilder } from './build/index-builder.ts';
import { Compactor } from './compaction/compactor.ts';
import { FlushScheduler } from './flush-scheduler.ts';
import { ShardPublisher } from './publisher.ts';
import { ShardState } from './shard-state.ts';

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
}

/** Consumer group of the indexers of one deployment (deployments are told apart by topic prefix). */
export function indexerGroup(topicPrefix: string): string {
  return `${topicPrefix}indexers`;
}
const WATERMARK_EVERY_MS = 250;
/** Pause before a fenced shard that is still assigned here is taken over again, ms. */
const FENCED_RETRY_MS = 3000;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Indexer {
  private readonly shards = new Map<string, ShardState>();
  /** Assigned partitions whose collection is not in the catalog yet (topic created first). */
  private readonly pending = new Map<string, TopicPartition>();
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

  constructor(private readonly deps: IndexerDeps) {
    this.manifests = new ManifestStore(deps.coordinator);
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
  status(): Array<{ topic: string; shard: number; checkpoint: number; status: string; reason: string }> {
    return [...this.shards.values()].map((s) => ({
      topic: s.tp.topic, shard: s.shard, checkpoint: s.checkpoint, status: s.status, reason: s.reason,
    }));
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

  /** The log lost records this shard has not indexed yet: stop the shard, loudly, never skip. */
  private stopForGap(err: OffsetOutOfRangeError): void {
    const state = this.shards.get(`${err.partition.topic}/${err.partition.partition}`);
    if (state) {
      state.status = 'retention-gap';
      state.reason = `log holds offsets ${err.earliest}..${err.latest - 1}, the shard needs ${err.position}`;
    }
    this.deps.logger.error('shard stopped: retention gap', {
      topic: err.partition.topic, shard: err.partition.partition, position: err.position, earliest: err.earliest,
    });
  }

  private async assign(tps: TopicPartition[]): Promise<void> {
    for (const tp of tps) await this.take(tp);
  }

  /**
   * Takes a partition over: new epoch, then seek to checkpoint + 1. A partition whose collection
   * is not in the catalog yet stays pending and is retried every tick; records delivered for it
   * meanwhile are dropped and re-read after the seek.
   */
  private async take(tp: TopicPartition): Promise<void> {
    const key = `${tp.topic}/${tp.partition}`;
    {
      const collectionId = Number(tp.topic.slice(this.deps.topicPrefix.length));
      const collection = await this.deps.catalog.collectionById(collectionId);
      if (!collection) {
        this.pending.set(key, tp);
        return;
      }
      this.pending.delete(key);
      const owned = await this.manifests.acquire(collectionId, tp.partition, this.deps.now());
      const state = new ShardState(tp, collection, owned);
      const next = owned.manifest.checkpoint + 1;
      const earliest = await this.deps.log.earliestOffset(tp);
      if (earliest > next) {
        state.status = 'retention-gap';
        state.reason = `log retention removed offsets ${next}..${earliest - 1} before they were indexed`;
        this.deps.logger.error('shard stopped: retention gap', { topic: tp.topic, shard: tp.partition, next, earliest });
      } else {
        this.consumer!.seek(tp, next);
      }
      this.shards.set(key, state);
      this.deps.logger.info('shard assigned', { topic: tp.topic, shard: tp.partition, epoch: owned.manifest.epoch, from: next });
    }
  }

  private async revoke(tps: TopicPartition[]): Promise<void> {
    for (const tp of tps) {
      const key = `${tp.topic}/${tp.partition}`;
      this.pending.delete(key);
      const state = this.shards.get(key);
      // Out of the map first, so no scheduled flush or compaction starts for it meanwhile.
      this.shards.delete(key);
      if (state) await this.publishNow(state).catch(() => undefined);
    }
  }

  private async apply(r: LogRecord): Promise<void> {
    const state = this.shards.get(`${r.topic}/${r.partition}`);
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
    for (const tp of [...this.pending.values()]) await this.take(tp);
    await this.retakeFenced(now);
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
      if (!state.watermarking && now - state.lastWatermarkAt >= WATERMARK_EVERY_MS) this.startWatermark(state, now);
    }
  }

  /** Publishes the shard's buffered records, then lets compaction look at the new segment. */
  private async flush(state: ShardState): Promise<void> {
    await this.publishNow(state);
    if (state.status === 'active') this.compactor.schedule(state, false);
  }

  /** Publishes the shard's buffered records after any publish of it already running. */
  private publishNow(state: ShardState): Promise<void> {
    return state.exclusive(() => this.publisher.publish(state));
  }

  /**
   * A fenced shard whose partition the log group still assigns to this member is taken over
   * again after a pause: the manifest changed under it without another owner (the coordinator
   * was restored from backups), or the rival owner has since lost the partition. The group's
   * assignment decides who owns a partition; the epoch only stops stale writes.
   */
  private async retakeFenced(now: number): Promise<void> {
    const assigned = new Set(this.consumer?.assignment().map((tp) => `${tp.topic}/${tp.partition}`) ?? []);
    for (const [key, state] of this.shards) {
      if (state.status !== 'fenced' || state.fencedAt === 0 || now - state.fencedAt < FENCED_RETRY_MS) continue;
      if (!assigned.has(key)) continue;
      this.deps.logger.warn('retaking fenced shard still assigned to this member', { topic: state.tp.topic, shard: state.shard });
      this.shards.delete(key);
      await this.take(state.tp);
    }
  }

  /** Writes a watermark in the background (the log round trip must not hold up consumption). */
  private startWatermark(state: ShardState, asOf: number): void {
    state.watermarking = true;
    state.lastWatermarkAt = asOf;
    void this.watermark(state, asOf)
      .catch((err: unknown) => this.deps.logger.warn('watermark failed', { shard: state.shard, error: (err as Error).message }))
      .finally(() => {
        state.watermarking = false;
      });
  }

  private async watermark(state: ShardState, asOf: number): Promise<void> {
    const end = await this.deps.log.latestOffset(state.tp);
    // Only claim freshness when everything below the sampled end is published (the checkpoint
    // only grows, so reading it after the sample is safe).
    if (end !== state.checkpoint + 1 || state.status !== 'active') return;
    await this.manifests.writeWatermark(state.collection.id, state.shard, {
      epoch: state.owned.manifest.epoch, endOffset: end, asOf,
    });
  }
}
