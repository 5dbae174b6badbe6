/**
 * Publishes what an indexer consumed for a shard: the buffer is sealed (records consumed from
 * then on go to the next publish), written as a flat segment, and appended to the manifest by a
 * conditional commit on the version this owner last wrote (the epoch fence). Only then are the
 * consumed claim-check objects deleted and the log offset committed — at most once a second,
 * since it is advisory (for lag monitoring; the manifest's checkpoint is where a new owner
 * resumes). Runs inside the shard's exclusive section.
 */
import type { Catalog } from '../shared/catalog/catalog.ts';
import type { Logger } from '../shared/logger.ts';
import { FencedError, type ManifestStore } from '../shared/manifest/manifest.ts';
import type { TopicPartition } from '../shared/ports/log.ts';
import type { ObjectStore } from '../shared/ports/object-store.ts';
import type { IndexerMetrics } from '../shared/observability/metrics.ts';
import type { SegmentStore } from '../shared/segment/store.ts';
import type { ShardState } from './shard-state.ts';

/** Shortest time between two reads of the shard's collection from the catalog, ms. */
const COLLECTION_REREAD_MS = 1000;
/** Shortest time between two offset commits of a shard, ms. */
const OFFSET_COMMIT_EVERY_MS = 1000;

export interface PublisherDeps {
  catalog: Catalog;
  manifests: ManifestStore;
  segments: SegmentStore;
  objects: ObjectStore;
  logger: Logger;
  now(): number;
  newId(): string;
  /** Tells the log group where the shard resumes (offset = checkpoint + 1); best effort. */
  commitOffset(tp: TopicPartition, offset: number): Promise<void>;
  /** Counts fenced publications. */
  metrics?: Pick<IndexerMetrics, 'fenced'>;
}

export class ShardPublisher {
  constructor(private readonly deps: PublisherDeps) {}

  /**
   * Publishes everything the shard consumed so far. On a fence or a dropped collection the shard
   * leaves 'active' and nothing is published. Any other failure rejects and keeps the sealed
   * buffers (and the segments already written for them) for the next attempt.
   * Must run inside `state.exclusive`.
   */
  async publish(state: ShardState): Promise<void> {
    if (state.status !== 'active') return;
    state.seal();
    if (state.sealed.length === 0) return;
    const startedAt = this.deps.now();
    const batches = state.sealed.slice();
    const cur = state.owned.manifest;
    // Is the collection still there (and its partitions)? Needed for a clear status, not for
    // safety: a drop deletes the manifest, so a publish after it fails its version check. So the
    // catalog is read at most once a second, and that read overlaps the segment writes (vector
    // field ids, which the writes take from the cached collection, never change).
    const reread = startedAt - state.collectionReadAt >= COLLECTION_REREAD_MS;
    const [collection] = await Promise.all([
      reread ? this.deps.catalog.collectionById(state.collection.id) : state.collection,
      ...batches.map(async (b) => {
        if (b.ref || b.builder.isEmpty) return;
        const id = `${b.builder.lsnMin}-${b.builder.lsnMax}-e${cur.epoch}-${this.deps.newId().slice(0, 8)}`;
        const { ref } = await this.deps.segments.write({
          collectionId: cur.collectionId, shard: state.shard, id, level: 0, lsnMin: b.builder.lsnMin, lsnMax: b.builder.lsnMax,
          data: b.builder.build(), fields: state.collection.fields, now: startedAt,
        });
        b.ref = ref;
      }),
    ]);
    if (reread) state.collectionReadAt = startedAt;
    if (!collection) {
      state.status = 'fenced';
      state.reason = 'collection dropped';
      return;
    }
    state.collection = collection;
    const segments = [...cur.segments, ...batches.flatMap((b) => (b.ref ? [b.ref] : []))];
    const checkpoint = batches[batches.length - 1].builder.lsnMax;
    try {
      state.owned = await this.deps.manifests.publish(state.owned, { ...cur, checkpoint, segments, updatedAt: this.deps.now() });
    } catch (err) {
      if (err instanceof FencedError) {
        state.status = 'fenced';
        state.reason = err.message;
        state.fencedAt = this.deps.now();
        this.deps.metrics?.fenced({ collection: state.collection.id, shard: state.shard });
        this.deps.logger.warn('shard fenced; dropping it', { topic: state.tp.topic, shard: state.shard });
        return;
      }
      throw err;
    }
    state.sealed = [];
    // Neither is needed for correctness or visibility, so neither holds up the shard's next publish.
    for (const key of batches.flatMap((b) => b.claims)) void this.deps.objects.delete(key).catch(() => undefined);
    if (this.deps.now() - state.committedAt >= OFFSET_COMMIT_EVERY_MS) this.commitOffset(state);
  }

  /** Commits the shard's checkpoint + 1 to the log group in the background, if not done yet. */
  commitOffset(state: ShardState): void {
    const offset = state.checkpoint + 1;
    if (offset <= state.committedOffset) return;
    state.committedOffset = offset;
    state.committedAt = this.deps.now();
    void this.deps.commitOffset(state.tp, offset).catch(() => undefined);
  }
}
