/**
 * A Coordinator that mirrors what cannot be recomputed into the object store, so a coordinator
 * that loses its data (a Redis FLUSHALL, a lost volume) can be rebuilt (restore.ts):
 *  - after every commit touching `catalog/`, an immutable snapshot of every catalog key;
 *  - after every commit of a shard manifest, that manifest (overwriting the previous copy).
 * The commit resolves only after the backup is written, so anything a client was told about
 * (a created collection, a published segment) is recoverable. Watermarks, requests and leases
 * are transient and not backed up.
 * Before a commit that touches the catalog or a manifest, the generation sentinel is checked
 * (at most once a second): writing into a coordinator that lost its data before it is restored
 * would, for example, restart id sequences and reuse ids.
 */
import type { CommitOp, Coordinator, ProcessInfo, VersionedValue } from '../ports/coordinator.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import {
  CATALOG_SNAPSHOTS_KEPT, GENERATION_KEY, catalogSnapshotKey, catalogSnapshotPrefix, manifestBackupKey,
} from './backup-keys.ts';

const CATALOG_PREFIX = 'catalog/';
const MANIFEST_PREFIX = 'shard/manifest/';

export interface CatalogSnapshot {
  generation: number;
  entries: Array<{ key: string; value: string }>;
}

export interface ManifestBackup {
  generation: number;
  key: string;
  value: string;
}

/** How long a seen sentinel is trusted before commits check it again, ms. */
const SENTINEL_TRUST_MS = 1000;

export class BackedUpCoordinator implements Coordinator {
  private readonly encoder = new TextEncoder();
  private sentinelSeenAt = 0;
  /** Generation read by the last sentinel check; labels the backups written meanwhile. */
  private knownGeneration = 0;

  /** ensureData restores the coordinator from backups when its data is missing (RecoveryGuard.check). */
  constructor(
    private readonly inner: Coordinator,
    private readonly objects: ObjectStore,
    private readonly ensureData: () => Promise<unknown>,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): Promise<VersionedValue | null> {
    return this.inner.get(key);
  }

  list(prefix: string): Promise<VersionedValue[]> {
    return this.inner.list(prefix);
  }

  async commit(ops: CommitOp[]): Promise<Record<string, number>> {
    if (ops.some((o) => o.key.startsWith(CATALOG_PREFIX) || o.key.startsWith(MANIFEST_PREFIX))) await this.checkSentinel();
    const versions = await this.inner.commit(ops);
    const touched = ops.filter((o) => o.kind !== 'check');
    const tasks: Array<Promise<unknown>> = [];
    if (touched.some((o) => o.key.startsWith(CATALOG_PREFIX))) tasks.push(this.snapshotCatalog());
    for (const op of touched) {
      if (!op.key.startsWith(MANIFEST_PREFIX)) continue;
      tasks.push(
        op.kind === 'put'
          ? this.put(manifestBackupKey(op.key), { generation: this.generation(), key: op.key, value: op.value } satisfies ManifestBackup)
          : this.objects.delete(manifestBackupKey(op.key)),
      );
    }
    await Promise.all(tasks);
    return versions;
  }

  watch(prefix: string, onChange: (key: string) => void): () => void {
    return this.inner.watch(prefix, onChange);
  }

  heartbeat(process: Omit<ProcessInfo, 'expiresAt'>, ttlMs: number): Promise<void> {
    return this.inner.heartbeat(process, ttlMs);
  }

  liveProcesses(): Promise<ProcessInfo[]> {
    return this.inner.liveProcesses();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async checkSentinel(): Promise<void> {
    if (this.now() - this.sentinelSeenAt < SENTINEL_TRUST_MS) return;
    let sentinel = await this.inner.get(GENERATION_KEY);
    if (!sentinel) {
      await this.ensureData();
      sentinel = await this.inner.get(GENERATION_KEY);
    }
    this.knownGeneration = sentinel ? Number(sentinel.value) : 0;
    this.sentinelSeenAt = this.now();
  }

  /**
   * Every commit that writes a backup checked the sentinel first (at most a second ago), so its
   * generation is known without another round trip; a label at most a second old is harmless
   * because restore takes the newest backup of each key anyway.
   */
  private generation(): number {
    return this.knownGeneration;
  }

  private async snapshotCatalog(): Promise<void> {
    const entries = await this.inner.list(CATALOG_PREFIX);
    const version = entries.reduce((m, e) => Math.max(m, e.version), 0);
    const generation = this.generation();
    const snapshot: CatalogSnapshot = { generation, entries: entries.map((e) => ({ key: e.key, value: e.value })) };
    await this.put(catalogSnapshotKey(generation, version), snapshot);
    const all = await this.objects.list(catalogSnapshotPrefix());
    const stale = all.slice(0, Math.max(0, all.length - CATALOG_SNAPSHOTS_KEPT));
    await Promise.all(stale.map((o) => this.objects.delete(o.key).catch(() => undefined)));
  }

  private async put(key: string, body: unknown): Promise<void> {
    await this.objects.put(key, this.encoder.encode(JSON.stringify(body)));
  }
}
