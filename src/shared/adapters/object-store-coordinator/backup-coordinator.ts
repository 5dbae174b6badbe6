/**
 * A read-only Coordinator over the coordinator backups in the object store
 * (recovery/backed-up-coordinator.ts): catalog keys (`catalog/…`: databases, collections,
 * aliases, users, roles) from the newest catalog snapshot, shard manifests
 * (`shard/manifest/…`) from the per-shard manifest backups. It lets a runtime without a
 * connection to the coordinator (the edge proxy on Workers) read the catalog and validate
 * writes, with bounded staleness:
 *  - catalog keys are at most `maxStalenessMs` old, and a lookup that finds nothing re-reads a
 *    snapshot older than `missRefreshMs` (so a collection created a moment ago is found);
 *  - manifests are read on every call and may lag the live one a little (backups are written
 *    off the publish path).
 * Versions: every catalog key carries the version of the snapshot it came from (a key's version
 * grows whenever its value may have changed); a manifest carries its backup's modification time.
 * Other prefixes (watermarks, requests, leases) are not backed up: they read as absent.
 *
 * Failure semantics: commits and heartbeats reject ReadOnlyCoordinatorError (nothing is written);
 * object-store failures surface as CoordinatorUnavailableError; a snapshot that does not parse
 * is CoordinatorUnavailableError too (never a guess). watch() is fed by snapshot re-reads: a
 * watcher hears of catalog changes the next time any call re-reads the snapshot.
 */
import { z } from 'zod';
import { CoordinatorUnavailableError, type CommitOp, type Coordinator, type ProcessInfo, type VersionedValue } from '../../ports/coordinator.ts';
import { ObjectNotFoundError, type ObjectStore } from '../../ports/object-store.ts';
import { manifestBackupKey, manifestBackupPrefix } from '../../recovery/backup-keys.ts';
import { CatalogSnapshots, type CatalogView } from './catalog-snapshots.ts';

const CATALOG_PREFIX = 'catalog/';
const MANIFEST_PREFIX = 'shard/manifest/';

const manifestBackupSchema = z.object({ generation: z.number().int(), key: z.string(), value: z.string() });

/** A write was attempted on the read-only coordinator; the caller must send it to the Node tier. */
export class ReadOnlyCoordinatorError extends Error {
  constructor(what: string) {
    super(`${what}: this coordinator is a read-only view of the object-store backups`);
    this.name = 'ReadOnlyCoordinatorError';
  }
}

export interface BackupCoordinatorOptions {
  objects: ObjectStore;
  /** Longest a catalog value may be served from memory, ms (default 1000). */
  maxStalenessMs?: number;
  /** A missing catalog key re-reads a snapshot older than this, ms (default 100). */
  missRefreshMs?: number;
  /** Milliseconds since the epoch. */
  now?: () => number;
}

class BackupCoordinator implements Coordinator {
  private readonly snapshots: CatalogSnapshots;
  private readonly watchers = new Set<{ prefix: string; onChange: (key: string) => void }>();

  constructor(private readonly o: BackupCoordinatorOptions) {
    this.snapshots = new CatalogSnapshots({
      objects: o.objects,
      maxStalenessMs: o.maxStalenessMs ?? 1000,
      missRefreshMs: o.missRefreshMs ?? 100,
      now: o.now ?? Date.now,
      onChange: (keys) => this.notify(keys),
    });
  }

  async get(key: string): Promise<VersionedValue | null> {
    if (key.startsWith(CATALOG_PREFIX)) {
      const found = fromView(await this.catalog('current'), key);
      return found ?? fromView(await this.catalog('afterMiss'), key);
    }
    if (key.startsWith(MANIFEST_PREFIX)) return this.manifest(key);
    return null;
  }

  async list(prefix: string): Promise<VersionedValue[]> {
    const out: VersionedValue[] = [];
    if (CATALOG_PREFIX.startsWith(prefix) || prefix.startsWith(CATALOG_PREFIX)) {
      const view = await this.catalog('current');
      for (const [key, value] of view.values) if (key.startsWith(prefix)) out.push({ key, value, version: view.version });
    }
    if (MANIFEST_PREFIX.startsWith(prefix) || prefix.startsWith(MANIFEST_PREFIX)) {
      const listed = await this.unavailableOnError('list manifest backups', () =>
        this.o.objects.list(manifestBackupPrefix() + (prefix.startsWith(MANIFEST_PREFIX) ? prefix : MANIFEST_PREFIX)),
      );
      for (const item of listed) {
        const key = item.key.slice(manifestBackupPrefix().length).replace(/\.json$/, '');
        const found = await this.manifest(key);
        if (found) out.push(found);
      }
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  commit(ops: CommitOp[]): Promise<Record<string, number>> {
    return Promise.reject(new ReadOnlyCoordinatorError(`commit of ${ops.map((o) => o.key).join(', ')}`));
  }

  watch(prefix: string, onChange: (key: string) => void): () => void {
    const entry = { prefix, onChange };
    this.watchers.add(entry);
    return () => {
      this.watchers.delete(entry);
    };
  }

  heartbeat(process: Omit<ProcessInfo, 'expiresAt'>): Promise<void> {
    return Promise.reject(new ReadOnlyCoordinatorError(`heartbeat of ${process.id}`));
  }

  async liveProcesses(): Promise<ProcessInfo[]> {
    return [];
  }

  async close(): Promise<void> {
    this.watchers.clear();
  }

  private catalog(mode: 'current' | 'afterMiss'): Promise<CatalogView> {
    return this.unavailableOnError('read the catalog snapshot', () =>
      mode === 'current' ? this.snapshots.current() : this.snapshots.afterMiss(),
    );
  }

  private async manifest(key: string): Promise<VersionedValue | null> {
    const objectKey = manifestBackupKey(key);
    return this.unavailableOnError(`read the manifest backup of ${key}`, async () => {
      const info = await this.o.objects.head(objectKey);
      if (!info) return null;
      let bytes: Uint8Array;
      try {
        bytes = await this.o.objects.get(objectKey);
      } catch (err) {
        if (err instanceof ObjectNotFoundError) return null;
        throw err;
      }
      const backup = manifestBackupSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
      return { key: backup.key, value: backup.value, version: info.lastModified };
    });
  }

  private notify(keys: string[]): void {
    for (const w of this.watchers) {
      for (const key of keys) {
        if (!key.startsWith(w.prefix)) continue;
        try {
          w.onChange(key);
        } catch {
          // A watcher's failure is its own; the others still hear of the change.
        }
      }
    }
  }

  private async unavailableOnError<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new CoordinatorUnavailableError(`${what}: ${reason}`, { cause: err });
    }
  }
}

function fromView(view: CatalogView, key: string): VersionedValue | null {
  const value = view.values.get(key);
  return value === undefined ? null : { key, value, version: view.version };
}

/** A read-only Coordinator over the backups in `objects`; reads nothing until first used. */
export function openBackupCoordinator(options: BackupCoordinatorOptions): Coordinator {
  return new BackupCoordinator(options);
}
