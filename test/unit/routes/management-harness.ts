/**
 * The HTTP app over real embedded adapters (LMDB coordinator, embedded log, fs object store) in a
 * temp directory, with a tiny in-memory read tier: route tests check what the routes do to the
 * catalog, the log and the store, not how segments are served.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbeddedLog } from '../../../src/shared/adapters/embedded-log/index.ts';
import { openFsObjectStore } from '../../../src/shared/adapters/fs/fs-object-store.ts';
import { openLocalCoordinator } from '../../../src/shared/adapters/local-coordinator/local-coordinator.ts';
import { Catalog } from '../../../src/shared/catalog/catalog.ts';
import { FilterCache } from '../../../src/shared/filter/index.ts';
import { ManifestStore, type SegmentRef } from '../../../src/shared/manifest/manifest.ts';
import type { CollectionInfo } from '../../../src/shared/schema/types.ts';
import { newApp } from '../../../src/proxy/app.ts';
import type { LoadState, ReadTier } from '../../../src/proxy/read/read-tier.ts';
import type { ProxyServices } from '../../../src/proxy/services.ts';
import { IdAllocator } from '../../../src/proxy/write/id-allocator.ts';
import { SessionTracker } from '../../../src/proxy/write/session-tracker.ts';
import { WritePath } from '../../../src/proxy/write/write-path.ts';

/** Serves nothing; remembers what is loaded and answers `rows` live rows per loaded partition. */
export class FakeReader {
  readonly loaded = new Map<number, CollectionInfo>();
  rowsPerPartition = 3;

  async load(c: CollectionInfo): Promise<void> {
    this.loaded.set(c.id, c);
  }
  async release(collectionId: number): Promise<void> {
    this.loaded.delete(collectionId);
  }
  loadState(collectionId: number): LoadState {
    return this.loaded.has(collectionId) ? 'LoadStateLoaded' : 'LoadStateNotLoad';
  }
  checkpoints(collectionId: number): number[] {
    return new Array<number>(this.loaded.get(collectionId)?.shardsNum ?? 0).fill(-1);
  }
  async count(c: CollectionInfo, _filter: unknown, partitionIds: number[] | null): Promise<number> {
    return this.rowsPerPartition * (partitionIds ?? c.partitions).length;
  }
}

/** A parsed answer; tests read its nested keys freely. */
export type Answer = any;

export interface Harness {
  services: ProxyServices;
  reader: FakeReader;
  /** POSTs `body` (JSON-encoded unless a string) and returns status and parsed JSON (or text). */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; json: Answer }>;
  /** Publishes a manifest with segments of these levels and row counts on shard 0. */
  publishSegments(collectionId: number, segments: Array<Pick<SegmentRef, 'level' | 'rows'>>): Promise<void>;
  close(): Promise<void>;
}

/** Opens fresh adapters in a temp directory and builds the app over them. */
export async function openHarness(): Promise<Harness> {
  const dir = await mkdtemp(path.join(tmpdir(), 'quiver-routes-'));
  const coordinator = await openLocalCoordinator({ path: path.join(dir, 'coordinator') });
  const log = await openEmbeddedLog({ path: path.join(dir, 'log'), syncMode: 'none' });
  const objects = await openFsObjectStore({ root: path.join(dir, 'objects') });
  const catalog = new Catalog(coordinator);
  await catalog.ensureDefaultDatabase(Date.now());
  const reader = new FakeReader();
  const services: ProxyServices = {
    catalog,
    coordinator,
    manifests: new ManifestStore(coordinator),
    log,
    objects,
    writer: new WritePath({ log, objects, newId: randomUUID }),
    reader: reader as unknown as ReadTier,
    ids: new IdAllocator(coordinator),
    sessions: new SessionTracker(),
    filters: new FilterCache(),
    settings: { maxBodyBytes: 1 << 20, requestTimeoutMs: 5_000, boundedStalenessMs: 1_000, topicPrefix: 'test.' },
    now: () => Date.now(),
  };
  const app = newApp(services);
  return {
    services,
    reader,
    async post(route, body, headers = {}) {
      const res = await app.request(route, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let json: unknown = text;
      try {
        json = JSON.parse(text);
      } catch {
        // plain-text answers (404 page)
      }
      return { status: res.status, json };
    },
    async publishSegments(collectionId, segments) {
      const manifests = services.manifests;
      const owned = await manifests.acquire(collectionId, 0, Date.now());
      await manifests.publish(owned, {
        ...owned.manifest,
        checkpoint: segments.length - 1,
        segments: segments.map((seg, i) => ({
          id: `seg${i}`, level: seg.level, rows: seg.rows, tombstones: 0, lsnMin: i, lsnMax: i, bytes: 1, createdAt: Date.now(),
        })),
      });
    },
    async close() {
      await log.close();
      await objects.close();
      await coordinator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
