/**
 * A Coordinator that mirrors what cannot be recomputed into the object store, so a coordinator
 * that loses its data (a Redis FLUSHALL, a lost volume) can be rebuilt (restore.ts):
 *  - after every commit touching `catalog/`, an immutable snapshot of every catalog key, written
 *    before the commit resolves: a created collection or a handed-out id block is never lost;
 *  - after every commit of a shard manifest, that manifest (overwriting the previous copy),
 *    written in the background, off the publish path. Per shard the copies are written in commit
 *    order, one at a time, and a copy that is still waiting is replaced by a newer one, so the
 *    object store holds the newest manifest one object-store write after its commit (longer
 *    while the store fails; writes are retried). A restore from a copy that is behind loses
 *    nothing: its checkpoint is older, so the shard's owner re-reads the rows after it from the
 *    log, and the segments it names are deleted only 10 minutes after they left a manifest.
 * Watermarks, requests and leases are transient and not backed up.
 * Before a commit that touches the catalog or a manifest, the generation sentinel is checked
 * (at most once a second): writing into a coordinator that lost its data before it is restored
 * would, for example, restart id sequences and reuse ids.
 */
import type { CommitOp, Coordinator, ProcessInfo, VersionedValue } from '../ports/coordinator.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import { silentLogger, type Logger } from '../logger.ts';
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
/** First and longest pause before a failed manifest backup is written again, ms. */
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2000;
/** How long close() waits for manifest backups still being written, ms. */
const CLOSE_DRAIN_MS = 5000;

export class BackedUpCoordinator implements Coordinator {
  private readonly encoder = new TextEncoder();
  private sentinelSeenAt = 0;
  /** Generation read by the last sentinel check; labels the backups written meanwhile. */
  private knownGeneration = 0;
  /** Manifest backups not written yet: newest body per backup key (null: delete the copy). */
  private readonly waiting = new Map<string, ManifestBackup | null>();
  /** The running writer of each backup key (at most one, so copies land in commit order). */
  private readonly writers = new Map<string, Promise<void>>();
  private closed = false;

  /**
   * @param ensureData restores the coordinator from backups when its data is missing (RecoveryGuard.check)
   * @param logger receives failed background backup writes (they are retried)
   */
  constructor(
    private readonly inner: Coordinator,
    private readonly objects: ObjectStore,
    private readonly ensureData: () => Promise<unknown>,
    private readonly now: () => number = Date.now,
    private readonly logger: Logger = silentLogger,
  ) {}

  /**
   * Reads a key. A catalog key found missing is read again after the sentinel check (which
   * restores a coordinator that lost its data): see `missing`.
   */
  async get(key: string): Promise<VersionedValue | null> {
    const v = await this.inner.get(key);
    return v === null && (await this.missing(key)) ? this.inner.get(key) : v;
  }

  async list(prefix: string): Promise<VersionedValue[]> {
    const entries = await this.inner.list(prefix);
    return entries.length === 0 && (await this.missing(prefix)) ? this.inner.list(prefix) : entries;
  }

  /**
   * Whether a catalog read that found nothing should be repeated: the catalog may be empty only
   * because the coordinator lost its data and no process has restored it yet (the guards look
   * every 2 s). Answering then would tell a client that its database or collection does not
   * exist (code 800/100) instead of waiting for the restore. So the sentinel is checked,
   * restoring when it is gone; a genuine miss costs one sentinel read at most once a second.
   */
  private async missing(keyOrPrefix: string): Promise<boolean> {
    if (!keyOrPrefix.startsWith(CATALOG_PREFIX)) return false;
    const checkedAt = this.sentinelSeenAt;
    await this.checkSentinel();
    return this.sentinelSeenAt !== checkedAt;
  }

  /**
   * Commits, then backs up: resolves after the catalog snapshot (if the catalog changed) is
   * stored; manifest copies are queued and written in the background (see the module comment).
   * Rejects when the commit or the catalog snapshot fails.
   */
  async commit(ops: CommitOp[]): Promise<Record<string, number>> {
    if (ops.some((o) => o.key.startsWith(CATALOG_PREFIX) || o.key.startsWith(MANIFEST_PREFIX))) await this.checkSentinel();
    const versions = await this.inner.commit(ops);
    const touched = ops.filter((o) => o.kind !== 'check');
    for (const op of touched) {
      if (!op.key.startsWith(MANIFEST_PREFIX)) continue;
      const body = op.kind === 'put' ? { generation: this.generation(), key: op.key, value: op.value } : null;
      this.queueManifestBackup(manifestBackupKey(op.key), body);
    }
    if (touched.some((o) => o.key.startsWith(CATALOG_PREFIX))) await this.snapshotCatalog();
    return versions;
  }

  /** Resolves once every manifest backup queued so far is stored (or close() gave up on it). */
  async flushBackups(): Promise<void> {
    while (this.writers.size > 0) await Promise.all([...this.writers.values()]);
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

  /** Waits (boundedly) for queued manifest backups, then closes the inner coordinator. */
  async close(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.flushBackups(), new Promise<void>((r) => (timer = setTimeout(r, CLOSE_DRAIN_MS)))]);
    clearTimeout(timer);
    this.closed = true;
    await this.inner.close();
  }

  private queueManifestBackup(key: string, body: ManifestBackup | null): void {
    this.waiting.set(key, body);
    if (this.writers.has(key)) return;
    const writer = this.writeManifestBackups(key).finally(() => this.writers.delete(key));
    this.writers.set(key, writer);
  }

  /** Writes the newest waiting copy of `key` until none waits; retries failures until closed. */
  private async writeManifestBackups(key: string): Promise<void> {
    let pause = RETRY_MIN_MS;
    while (this.waiting.has(key)) {
      const body = this.waiting.get(key)!;
      this.waiting.delete(key);
      try {
        if (body) await this.put(key, body);
        else await this.objects.delete(key);
        pause = RETRY_MIN_MS;
      } catch (err) {
        if (this.closed) return;
        // A newer copy queued meanwhile supersedes this one; otherwise try this one again.
        if (!this.waiting.has(key)) this.waiting.set(key, body);
        this.logger.warn('manifest backup failed; retrying', { key, error: (err as Error).message });
        await new Promise((r) => setTimeout(r, pause));
        pause = Math.min(RETRY_MAX_MS, pause * 2);
      }
    }
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
