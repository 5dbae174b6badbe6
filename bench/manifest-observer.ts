/**
 * Follows a collection's shard manifests the way proxies do (a coordinator watch on the manifest
 * keys, then a read) and records when each publication was seen and what it said. Together with
 * the times the indexer wrote into the manifest and its segments, this splits the delay between
 * an insert's acknowledgement and its visibility into stages.
 */
import { openRedisCoordinator } from '../src/shared/adapters/redis/index.ts';
import { shardKeys, parseShardKey } from '../src/shared/catalog/keys.ts';
import { ManifestStore, type SegmentRef } from '../src/shared/manifest/manifest.ts';
import { wallClockMs } from './measure.ts';

/** One manifest publication as seen here. */
export interface Publication {
  shard: number;
  /** Wall-clock ms when the change notification arrived. */
  seenAt: number;
  checkpoint: number;
  /** Wall-clock ms the indexer stamped on the manifest just before publishing it. */
  updatedAt: number;
  segments: SegmentRef[];
}

/** Where an acknowledged log offset went, with the indexer's and this observer's times. */
export interface OffsetTrace {
  /** When the flush that wrote the offset's segment started (segment createdAt). */
  flushStartedAt: number;
  /** When the indexer stamped the manifest listing that segment (after writing it). */
  manifestUpdatedAt: number;
  /** When the publication was seen here. */
  seenAt: number;
}

/** A running observer. */
export interface ManifestObserver {
  /** The first publication of `shard` covering `offset`, traced; null if none was seen (yet). */
  trace(shard: number, offset: number): OffsetTrace | null;
  /** Publications seen so far. */
  count(): number;
  /**
   * Gaps between consecutive publications of the same shard, both seen between `fromMs` and
   * `toMs` (wall clock), ms: how often each shard's buffer is actually flushed.
   */
  flushGaps(fromMs: number, toMs: number): number[];
  close(): Promise<void>;
}

/** Starts following the manifests of collection `collectionId` in the deployment at `keyPrefix`. */
export async function observeManifests(redisUrl: string, keyPrefix: string, collectionId: number): Promise<ManifestObserver> {
  const coordinator = await openRedisCoordinator({ url: redisUrl, keyPrefix });
  const manifests = new ManifestStore(coordinator);
  const seen = new Map<number, Publication[]>();
  const reads = new Set<Promise<void>>();
  const record = async (shard: number, seenAt: number) => {
    const m = await manifests.read(collectionId, shard);
    if (!m) return;
    const list = seen.get(shard) ?? [];
    if (list.length > 0 && list[list.length - 1].checkpoint >= m.manifest.checkpoint) return;
    list.push({ shard, seenAt, checkpoint: m.manifest.checkpoint, updatedAt: m.manifest.updatedAt, segments: m.manifest.segments });
    seen.set(shard, list);
  };
  const unwatch = coordinator.watch(shardKeys.manifestPrefix(collectionId), (key) => {
    const k = parseShardKey(key);
    if (!k || k.collectionId !== collectionId) return;
    const read = record(k.shard, wallClockMs()).catch(() => undefined);
    reads.add(read);
    void read.finally(() => reads.delete(read));
  });
  return {
    trace(shard, offset) {
      const pub = (seen.get(shard) ?? []).find((p) => p.checkpoint >= offset);
      if (!pub) return null;
      // The flush publishing the offset ends at the new checkpoint; a segment that does not was
      // merged later, which means the flush's own publication was missed (no trace then).
      const seg = pub.segments.find((s) => s.lsnMin <= offset && offset <= s.lsnMax && s.lsnMax === pub.checkpoint);
      if (!seg) return null;
      return { flushStartedAt: seg.createdAt, manifestUpdatedAt: pub.updatedAt, seenAt: pub.seenAt };
    },
    count: () => [...seen.values()].reduce((n, l) => n + l.length, 0),
    flushGaps(fromMs, toMs) {
      const gaps: number[] = [];
      for (const list of seen.values()) {
        const times = list.filter((p) => p.seenAt >= fromMs && p.seenAt <= toMs).map((p) => p.seenAt);
        for (let i = 1; i < times.length; i++) gaps.push(times[i] - times[i - 1]);
      }
      return gaps;
    },
    async close() {
      unwatch();
      await Promise.allSettled([...reads]);
      await coordinator.close();
    },
  };
}
