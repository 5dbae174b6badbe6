/** Real embedded adapters + a collection + a write path, for indexer tests. */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Indexer, type IndexerDeps } from '../../../src/indexer/indexer.ts';
import type { IndexBuilder } from '../../../src/indexer/build/index-builder.ts';
import { WritePath } from '../../../src/proxy/write/write-path.ts';
import { openEmbeddedLog, type EmbeddedLog } from '../../../src/shared/adapters/embedded-log/index.ts';
import { openFsObjectStore } from '../../../src/shared/adapters/fs/fs-object-store.ts';
import { openLocalCoordinator } from '../../../src/shared/adapters/local-coordinator/local-coordinator.ts';
import { Catalog } from '../../../src/shared/catalog/catalog.ts';
import { configSchema } from '../../../src/shared/config/schema.ts';
import { silentLogger } from '../../../src/shared/logger.ts';
import { ManifestStore } from '../../../src/shared/manifest/manifest.ts';
import type { Coordinator } from '../../../src/shared/ports/coordinator.ts';
import type { ObjectStore } from '../../../src/shared/ports/object-store.ts';
import { buildCollection } from '../../../src/shared/schema/build-collection.ts';
import { parseCreateCollectionRequest } from '../../../src/shared/schema/create-request.ts';
import type { CollectionInfo, RowBatch } from '../../../src/shared/schema/types.ts';
import { SegmentStore } from '../../../src/shared/segment/store.ts';

export interface Harness {
  log: EmbeddedLog;
  objects: ObjectStore;
  coordinator: Coordinator;
  catalog: Catalog;
  manifests: ManifestStore;
  segments: SegmentStore;
  collection: CollectionInfo;
  writer: WritePath;
  /** @param deps replaces adapters of this indexer only (e.g. a coordinator with an outage switch) */
  newIndexer(overrides?: Partial<ReturnType<typeof indexerConfig>>, deps?: Partial<Pick<IndexerDeps, 'coordinator'>>): Indexer;
  /** Writes rows with keys [from, to). */
  write(from: number, to: number): Promise<void>;
  /** Every primary key stored in the shard's published segments (duplicates kept). */
  storedKeys(shard: number): Promise<number[]>;
  close(): Promise<void>;
}

const noBuilds: IndexBuilder = {
  build: () => Promise.reject(new Error('no index builds in this test')),
  close: async () => undefined,
};

function indexerConfig() {
  return { ...configSchema.parse({}).indexer, flushIntervalMs: 30, hnswMinRows: 1_000_000, l0MergeCount: 1000 };
}

/**
 * @param shards shards of the collection
 * @param indexerObjects wraps the object store the indexers use (e.g. to slow down or count puts)
 */
export async function openHarness(shards = 2, indexerObjects: (o: ObjectStore) => ObjectStore = (o) => o): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'quiver-indexer-'));
  const log = await openEmbeddedLog({ path: join(dir, 'log'), syncMode: 'none' });
  const objects = await openFsObjectStore({ root: join(dir, 'objects') });
  const coordinator = await openLocalCoordinator({ path: join(dir, 'coord') });
  const catalog = new Catalog(coordinator);
  await catalog.ensureDefaultDatabase(Date.now());
  const id = await catalog.allocateIds(2);
  const built = buildCollection(parseCreateCollectionRequest({ collectionName: 'c', dimension: 2, params: { shardsNum: shards } }), {
    collectionId: id, now: Date.now(),
  });
  const collection = { ...built.collection, topic: `quiver.${id}`, partitions: [{ name: '_default', id: id + 1, createdAt: 0 }] } as CollectionInfo;
  await log.createTopic(collection.topic, shards);
  await catalog.createCollection(collection);
  const manifests = new ManifestStore(coordinator);
  const segments = new SegmentStore(objects);
  const writer = new WritePath({ log, objects, newId: randomUUID });
  const indexers: Indexer[] = [];
  return {
    log, objects, coordinator, catalog, manifests, segments, collection, writer,
    newIndexer: (overrides = {}, deps = {}) => {
      const ix = new Indexer({
        log, objects: indexerObjects(objects), coordinator, catalog, builder: noBuilds, config: { ...indexerConfig(), ...overrides },
        topicPrefix: 'quiver.', logger: silentLogger, now: () => Date.now(), newId: randomUUID,
        ...deps, ...(deps.coordinator ? { catalog: new Catalog(deps.coordinator) } : {}),
      });
      indexers.push(ix);
      return ix;
    },
    write: async (from, to) => {
      const n = to - from;
      const batch: RowBatch = {
        pks: Array.from({ length: n }, (_, i) => from + i),
        partitions: new Array(n).fill(id + 1),
        vectors: { vector: { kind: 'f32', dim: 2, data: Float32Array.from({ length: n * 2 }, (_, i) => i) } },
        scalars: {},
      };
      await writer.write(collection, batch);
    },
    storedKeys: async (shard) => {
      const m = await manifests.read(collection.id, shard);
      const keys: number[] = [];
      for (const ref of m?.manifest.segments ?? []) {
        const data = await segments.readData(await segments.readMeta(collection.id, shard, ref.id));
        keys.push(...(data.pks as number[]));
      }
      return keys;
    },
    close: async () => {
      await Promise.all(indexers.map((ix) => ix.stop(2000)));
      await log.close();
      await objects.close();
      await coordinator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until fn() is truthy or the timeout (ms) passes. */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}
