/**
 * How an indexer takes over the partitions the log group assigns to it: a new epoch on the
 * shard's manifest, then a seek to checkpoint + 1 (or a stop at a retention gap). The group keeps
 * a partition assigned to this member whatever the take-over did, and no other member indexes it
 * meanwhile, so a take-over that could not finish is never dropped: it stays pending and is
 * retried until it succeeds or the partition is revoked.
 */
import type { Catalog } from '../shared/catalog/catalog.ts';
import type { Logger } from '../shared/logger.ts';
import type { ManifestStore } from '../shared/manifest/manifest.ts';
import type { IndexerMetrics } from '../shared/observability/metrics.ts';
import type { Log, LogConsumer, TopicPartition } from '../shared/ports/log.ts';
import { resumePoint } from './retention-gap.ts';
import { partitionKey, ShardState } from './shard-state.ts';

/** Pause before a fenced shard that is still assigned here is taken over again, ms. */
const FENCED_RETRY_MS = 3000;
/** Pause before retrying a take-over that failed (coordinator, log or store unavailable), ms. */
const TAKE_RETRY_MS = 1000;

export interface TakeoverDeps {
  log: Log;
  catalog: Catalog;
  manifests: ManifestStore;
  logger: Logger;
  metrics: IndexerMetrics;
  topicPrefix: string;
  /** Parsed `indexer.acceptRetentionGap`. */
  accepted: Map<string, number>;
  now(): number;
  /** The indexer's owned shards by `partitionKey`; take-overs add to it. */
  shards: Map<string, ShardState>;
  /** The group member that seeks taken partitions; null before start. */
  consumer(): LogConsumer | null;
}

export class ShardTakeover {
  /**
   * Assigned partitions not taken over yet, retried from `retryAt` (ms since the epoch): their
   * collection is not in the catalog yet (the topic is created first), or the take-over failed.
   */
  private readonly pending = new Map<string, { tp: TopicPartition; retryAt: number }>();

  constructor(private readonly deps: TakeoverDeps) {}

  /**
   * Takes a partition over. Never rejects: a partition whose collection is not in the catalog yet
   * is retried on every `retryDue`, one whose take-over failed after TAKE_RETRY_MS. Records
   * delivered for a pending partition are dropped by the indexer and re-read after the seek.
   */
  async take(tp: TopicPartition): Promise<void> {
    const key = partitionKey(tp);
    try {
      await this.takeOnce(tp, key);
    } catch (err) {
      this.pending.set(key, { tp, retryAt: this.deps.now() + TAKE_RETRY_MS });
      this.deps.logger.warn('taking a shard over failed; retrying', {
        topic: tp.topic, shard: tp.partition, error: (err as Error).message,
      });
    }
  }

  /** The partition was revoked: no take-over of it is retried. */
  forget(tp: TopicPartition): void {
    this.pending.delete(partitionKey(tp));
  }

  /**
   * Retries the pending take-overs that are due, then takes over again, after a pause, every
   * fenced shard whose partition the group still assigns to this member: the manifest changed
   * under it without another owner (the coordinator was restored from backups), or the rival
   * owner has since lost the partition. The group's assignment decides who owns a partition;
   * the epoch only stops stale writes. Never rejects.
   */
  async retryDue(now: number): Promise<void> {
    for (const p of [...this.pending.values()]) if (now >= p.retryAt) await this.take(p.tp);
    const assigned = new Set(this.deps.consumer()?.assignment().map(partitionKey) ?? []);
    for (const [key, state] of this.deps.shards) {
      if (state.status !== 'fenced' || state.fencedAt === 0 || now - state.fencedAt < FENCED_RETRY_MS) continue;
      if (!assigned.has(key)) continue;
      this.deps.logger.warn('retaking fenced shard still assigned to this member', { topic: state.tp.topic, shard: state.shard });
      this.deps.shards.delete(key);
      await this.take(state.tp);
    }
  }

  private async takeOnce(tp: TopicPartition, key: string): Promise<void> {
    const collectionId = Number(tp.topic.slice(this.deps.topicPrefix.length));
    const collection = await this.deps.catalog.collectionById(collectionId);
    if (!collection) {
      this.pending.set(key, { tp, retryAt: 0 });
      return;
    }
    this.pending.delete(key);
    const acquired = await this.deps.manifests.acquire(collectionId, tp.partition, this.deps.now());
    const { owned, next, gap } = await resumePoint(this.deps, tp, acquired);
    const state = new ShardState(tp, collection, owned);
    if (gap !== null) {
      state.status = 'retention-gap';
      state.reason = gap;
      this.deps.metrics.retentionGap({ collection: collectionId, shard: tp.partition }, true);
    } else {
      this.deps.consumer()!.seek(tp, next);
    }
    this.deps.shards.set(key, state);
    this.deps.logger.info('shard assigned', { topic: tp.topic, shard: tp.partition, epoch: owned.manifest.epoch, from: next });
  }
}
