/**
 * Assembles the status document (status-schema.ts) from what the cluster already records: the
 * catalog (databases, collections, schemas), the shard manifests and watermarks (segments,
 * checkpoints, epochs), the log (end offsets) and the process leases (who is alive, which
 * indexer owns which shard). Reads only; never changes anything.
 *
 * Runtime-agnostic. The proxy-specific facts (load state, live rows) come in as callbacks.
 */
import type { Catalog } from '../catalog/catalog.ts';
import type { ManifestStore, SegmentRef } from '../manifest/manifest.ts';
import type { Coordinator, ProcessInfo } from '../ports/coordinator.ts';
import type { Log } from '../ports/log.ts';
import type { CollectionInfo } from '../schema/types.ts';
import { ownedShardsOf, processStatusOf } from './process-registry.ts';
import {
  statusSchema,
  type CollectionStatus,
  type FieldSummary,
  type ProcessStatus,
  type QuiverStatus,
  type SegmentStatus,
  type ShardOwner,
  type ShardStatus,
} from './status-schema.ts';

type LoadState = CollectionStatus['loadState'];

export interface StatusSources {
  catalog: Catalog;
  manifests: ManifestStore;
  coordinator: Coordinator;
  log: Log;
  /** Load state as this proxy reports it; default: from the catalog's `loaded` flag. */
  loadState?: (c: CollectionInfo) => LoadState;
  /** Live rows served here, or null when not loaded here. Default: always null. */
  liveRows?: (c: CollectionInfo) => Promise<number | null>;
  /** Milliseconds since the epoch. */
  now(): number;
}

/** Which part of the cluster to describe; everything when empty. */
export interface StatusScope {
  dbName?: string;
  /** Needs dbName (or means the default database). */
  collectionName?: string;
}

/** Owner of each shard by "<topic>/<shard>", from the indexers' heartbeats. */
type OwnerIndex = Map<string, ShardOwner>;

function ownerIndex(processes: ProcessInfo[]): OwnerIndex {
  const owners: OwnerIndex = new Map();
  for (const p of processes) {
    for (const s of ownedShardsOf(p)) {
      const key = `${s.topic}/${s.shard}`;
      // During a hand-over two indexers may both claim a shard for a moment; prefer the active one.
      if (!owners.has(key) || s.state === 'active') owners.set(key, { processId: p.id, state: s.state, reason: s.reason });
    }
  }
  return owners;
}

function segmentStatus(seg: SegmentRef): SegmentStatus {
  return {
    id: seg.id,
    level: seg.level,
    kind: seg.level === 1 ? 'hnsw' : 'flat',
    rows: seg.rows,
    tombstones: seg.tombstones,
    bytes: seg.bytes,
    lsnMin: seg.lsnMin,
    lsnMax: seg.lsnMax,
    createdAt: seg.createdAt,
  };
}

function fieldSummary(f: CollectionInfo['fields'][number]): FieldSummary {
  return {
    name: f.name,
    dataType: f.dataType,
    isPrimary: f.isPrimary,
    autoId: f.autoId,
    nullable: f.nullable,
    isPartitionKey: f.isPartitionKey,
    ...(f.dim !== undefined ? { dim: f.dim } : {}),
    ...(f.maxLength !== undefined ? { maxLength: f.maxLength } : {}),
    ...(f.elementType !== undefined ? { elementType: f.elementType } : {}),
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function shardStatus(src: StatusSources, c: CollectionInfo, shard: number, owners: OwnerIndex): Promise<ShardStatus> {
  const [versioned, watermark, end] = await Promise.all([
    src.manifests.read(c.id, shard),
    src.manifests.readWatermark(c.id, shard),
    // The log may be unreachable while the coordinator is fine: report the rest regardless.
    src.log.latestOffset({ topic: c.topic, partition: shard }).then(
      (offset) => ({ offset, error: undefined }),
      (err: unknown) => ({ offset: null, error: errorText(err) }),
    ),
  ]);
  const m = versioned?.manifest;
  const checkpoint = m?.checkpoint ?? -1;
  return {
    shard,
    epoch: m?.epoch ?? 0,
    checkpoint,
    logEndOffset: end.offset,
    lag: end.offset === null ? null : Math.max(0, end.offset - (checkpoint + 1)),
    ...(end.error !== undefined ? { logError: end.error } : {}),
    updatedAt: m?.updatedAt ?? null,
    watermark: watermark ? { endOffset: watermark.endOffset, asOf: watermark.asOf } : null,
    owner: owners.get(`${c.topic}/${shard}`) ?? null,
    segments: (m?.segments ?? []).map(segmentStatus),
  };
}

async function collectionStatus(src: StatusSources, c: CollectionInfo, owners: OwnerIndex): Promise<CollectionStatus> {
  const shardIds = Array.from({ length: c.shardsNum }, (_, i) => i);
  const [shards, liveRows] = await Promise.all([
    Promise.all(shardIds.map((i) => shardStatus(src, c, i, owners))),
    src.liveRows ? src.liveRows(c) : Promise.resolve(null),
  ]);
  const lags = shards.map((s) => s.lag);
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    shardsNum: c.shardsNum,
    consistencyLevel: c.consistencyLevel,
    enableDynamicField: c.enableDynamicField,
    fields: c.fields.map(fieldSummary),
    indexes: c.indexes.map((i) => ({
      indexName: i.indexName,
      fieldName: i.fieldName,
      indexType: i.requestedIndexType ?? i.indexType,
      metricType: i.metricType,
    })),
    partitions: c.partitions.map((p) => p.name),
    loadState: src.loadState ? src.loadState(c) : c.loaded ? 'LoadStateLoaded' : 'LoadStateNotLoad',
    storedRows: shards.reduce((n, s) => n + s.segments.reduce((k, seg) => k + seg.rows, 0), 0),
    liveRows,
    lag: lags.some((l) => l === null) ? null : lags.reduce((a: number, b) => a + (b ?? 0), 0),
    createdAt: c.createdAt,
    shards,
  };
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The status document for `scope`, validated against statusSchema. Rejects with the
 * coordinator's error when the catalog, manifests or leases cannot be read (an unreachable log
 * only blanks the end offsets). A scope naming a missing database or collection yields an empty
 * list, not an error: the caller decides whether that is one.
 */
export async function collectStatus(src: StatusSources, scope: StatusScope = {}): Promise<QuiverStatus> {
  const generatedAt = src.now();
  const leases = await src.coordinator.liveProcesses();
  const owners = ownerIndex(leases);
  const dbNames = scope.dbName !== undefined || scope.collectionName !== undefined
    ? [scope.dbName ?? 'default']
    : (await src.catalog.listDatabases()).map((d) => d.name);
  const databases = await Promise.all(
    dbNames.map(async (name) => {
      let collections: CollectionInfo[];
      if (scope.collectionName !== undefined) {
        const one = await src.catalog.findCollection(name, scope.collectionName);
        collections = one ? [one] : [];
      } else {
        collections = await src.catalog.listCollections(name);
      }
      return { name, collections: (await Promise.all(collections.map((c) => collectionStatus(src, c, owners)))).sort(byName) };
    }),
  );
  const processes: ProcessStatus[] = leases.map(processStatusOf).sort(
    (a, b) => a.role.localeCompare(b.role) || (a.startedAt ?? 0) - (b.startedAt ?? 0) || a.id.localeCompare(b.id),
  );
  return statusSchema.parse({
    generatedAt,
    databases: databases.sort(byName),
    processes,
  });
}
