/**
 * Shard manifests: the single source of truth for what is indexed. A manifest lists the shard's
 * live segments and the checkpoint (last log offset they reflect), and carries the epoch of the
 * writer that owns the shard. Publishing is a conditional commit on the version the writer last
 * saw, so a writer whose shard was taken over (a newer epoch was written) can never publish:
 * that is the fencing.
 */
import { ConflictError, type Coordinator } from '../ports/coordinator.ts';
import { shardKeys } from '../catalog/keys.ts';

/** One immutable segment as listed by a manifest. */
export interface SegmentRef {
  /** Unique within the shard; also the segment's object-store folder name. */
  id: string;
  /** 0 = flat (raw vectors, exact search); 1 = has an HNSW index per indexed vector field. */
  level: 0 | 1;
  /** Rows stored, superseded ones included. */
  rows: number;
  tombstones: number;
  /** Lowest and highest log offset of anything in the segment. */
  lsnMin: number;
  lsnMax: number;
  /** Total bytes of the segment's files. */
  bytes: number;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

export interface Manifest {
  collectionId: number;
  shard: number;
  /** Owner's epoch; bumped by every new owner of the shard. */
  epoch: number;
  /** Last log offset reflected by the segments; -1 before the first publish. */
  checkpoint: number;
  segments: SegmentRef[];
  /** Milliseconds since the epoch. */
  updatedAt: number;
}

export interface VersionedManifest {
  manifest: Manifest;
  /** Coordinator version of the manifest key when read or written. */
  version: number;
}

/** The indexer that owned the shard has been replaced; it must stop working on the shard. */
export class FencedError extends Error {
  constructor(collectionId: number, shard: number, epoch: number) {
    super(`shard ${collectionId}/${shard}: epoch ${epoch} was fenced by a newer owner`);
    this.name = 'FencedError';
  }
}

/** Freshness mark written by the shard owner when it has indexed everything up to `endOffset`. */
export interface Watermark {
  epoch: number;
  /** Log end offset (exclusive) sampled at `asOf`; everything below it is published. */
  endOffset: number;
  /** Milliseconds since the epoch, taken before sampling endOffset. */
  asOf: number;
}

export function emptyManifest(collectionId: number, shard: number, now: number): Manifest {
  return { collectionId, shard, epoch: 0, checkpoint: -1, segments: [], updatedAt: now };
}

/** Reads, takes over and publishes shard manifests. Stateless. */
export class ManifestStore {
  constructor(private readonly coordinator: Coordinator) {}

  async read(collectionId: number, shard: number): Promise<VersionedManifest | null> {
    const v = await this.coordinator.get(shardKeys.manifest(collectionId, shard));
    return v ? { manifest: JSON.parse(v.value) as Manifest, version: v.version } : null;
  }

  /**
   * Takes ownership of a shard: writes epoch+1 (creating the manifest when absent) and returns the
   * manifest as owned. Any earlier owner is fenced from then on.
   */
  async acquire(collectionId: number, shard: number, now: number): Promise<VersionedManifest> {
    const key = shardKeys.manifest(collectionId, shard);
    for (;;) {
      const cur = await this.read(collectionId, shard);
      const base = cur?.manifest ?? emptyManifest(collectionId, shard, now);
      const next: Manifest = { ...base, epoch: base.epoch + 1, updatedAt: now };
      try {
        const versions = await this.coordinator.commit([
          { kind: 'put', key, value: JSON.stringify(next), expectedVersion: cur?.version ?? null },
        ]);
        return { manifest: next, version: versions[key] };
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
  }

  /** Publishes `next` if the manifest is still at `owned.version`; else throws FencedError. */
  async publish(owned: VersionedManifest, next: Manifest): Promise<VersionedManifest> {
    const key = shardKeys.manifest(next.collectionId, next.shard);
    if (next.epoch !== owned.manifest.epoch) throw new Error('publish must keep the owned epoch');
    try {
      const versions = await this.coordinator.commit([
        { kind: 'put', key, value: JSON.stringify(next), expectedVersion: owned.version },
      ]);
      return { manifest: next, version: versions[key] };
    } catch (err) {
      if (err instanceof ConflictError) throw new FencedError(next.collectionId, next.shard, next.epoch);
      throw err;
    }
  }

  async writeWatermark(collectionId: number, shard: number, mark: Watermark): Promise<void> {
    await this.coordinator.commit([
      { kind: 'put', key: shardKeys.watermark(collectionId, shard), value: JSON.stringify(mark) },
    ]);
  }

  async readWatermark(collectionId: number, shard: number): Promise<Watermark | null> {
    const v = await this.coordinator.get(shardKeys.watermark(collectionId, shard));
    return v ? (JSON.parse(v.value) as Watermark) : null;
  }

  /** Removes manifests and watermarks of a dropped collection. */
  async deleteCollection(collectionId: number, shards: number): Promise<void> {
    const ops = [];
    for (let s = 0; s < shards; s++) {
      ops.push({ kind: 'delete' as const, key: shardKeys.manifest(collectionId, s) });
      ops.push({ kind: 'delete' as const, key: shardKeys.watermark(collectionId, s) });
    }
    await this.coordinator.commit(ops);
  }
}

/** Object-store folder of a segment. */
export function segmentPrefix(collectionId: number, shard: number, segmentId: string): string {
  return `collections/${collectionId}/shards/${shard}/segments/${segmentId}/`;
}

/** Object-store folder of everything a collection stored. */
export function collectionPrefix(collectionId: number): string {
  return `collections/${collectionId}/`;
}
