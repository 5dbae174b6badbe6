/**
 * Opens the three ports with the backends the configuration names. The only place (besides
 * tests) that constructs adapters; each process's composition root calls it once. Cluster
 * adapters are imported lazily, so the standalone shape never loads the Kafka client's native
 * library, the AWS SDK or the Redis client.
 */
import { join, resolve } from 'node:path';
import type { QuiverConfig } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { Coordinator } from '../ports/coordinator.ts';
import type { Log } from '../ports/log.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import { BackedUpCoordinator } from '../recovery/backed-up-coordinator.ts';
import { RecoveryGuard } from '../recovery/restore.ts';

export interface Ports {
  log: Log;
  objects: ObjectStore;
  coordinator: Coordinator;
  /** Watches for (and repairs) coordinator data loss; null when the coordinator is local and durable. */
  recovery: RecoveryGuard | null;
  /** Closes all three (coordinator last: others may still publish). Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens the configured coordinator alone, without backups or recovery (for offline tools such as
 * backup and restore, which must see exactly what the coordinator holds).
 */
export async function openCoordinator(config: QuiverConfig, logger: Logger): Promise<Coordinator> {
  const c = config.coordinator;
  const onWatchError = (error: unknown, key: string) => logger.warn('watch callback failed', { key, error: String(error) });
  if (c.kind === 'redis') {
    const { openRedisCoordinator } = await import('../adapters/redis/index.ts');
    return openRedisCoordinator({ url: c.url, keyPrefix: c.keyPrefix, onWatchError, logger });
  }
  const { openLocalCoordinator } = await import('../adapters/local-coordinator/local-coordinator.ts');
  return openLocalCoordinator({ path: c.path ?? join(resolve(config.dataDir), 'coordinator'), onWatchError });
}

/** Opens the configured object store alone (for offline tools such as backup and restore). */
export async function openObjects(config: QuiverConfig, logger: Logger): Promise<ObjectStore> {
  const o = config.objectStore;
  if (o.kind === 's3') {
    const { openS3ObjectStore } = await import('../adapters/s3/index.ts');
    return openS3ObjectStore({ ...o, logger });
  }
  const { openFsObjectStore } = await import('../adapters/fs/fs-object-store.ts');
  return openFsObjectStore({ root: o.path ?? join(resolve(config.dataDir), 'objects') });
}

/** Opens the configured log alone (for the Kafka HTTP bridge, which needs no other port). */
export async function openLog(config: QuiverConfig, logger: Logger): Promise<Log> {
  const l = config.log;
  if (l.kind === 'kafka') {
    const { openKafkaLog } = await import('../adapters/kafka/index.ts');
    return openKafkaLog({ ...l, logger });
  }
  const { openEmbeddedLog } = await import('../adapters/embedded-log/index.ts');
  return openEmbeddedLog({ path: l.path ?? join(resolve(config.dataDir), 'log'), maxRecordBytes: l.maxRecordBytes });
}

/**
 * Opens the ports. A networked coordinator (Redis) can lose its data, so it is wrapped to back up
 * the catalog and manifests into the object store, and a recovery guard restores them when the
 * coordinator comes back empty (checked now, then every 2 s).
 */
export async function openPorts(config: QuiverConfig, logger: Logger): Promise<Ports> {
  const raw = await openCoordinator(config, logger);
  const objects = await openObjects(config, logger);
  const recovery = config.coordinator.kind === 'local' ? null : new RecoveryGuard(raw, objects, logger);
  const coordinator = recovery ? new BackedUpCoordinator(raw, objects, () => recovery.check(), Date.now, logger) : raw;
  if (recovery) {
    await recovery.check();
    recovery.start();
  }
  const log = await openLog(config, logger);
  let closed = false;
  return {
    log,
    objects,
    coordinator,
    recovery,
    close: async () => {
      if (closed) return;
      closed = true;
      recovery?.stop();
      await log.close();
      // The coordinator first: closing it flushes manifest backups still queued for the object
      // store.
      await coordinator.close();
      await objects.close();
    },
  };
}

/**
 * Backends a process of this role cannot share with other processes. Proxies and indexers run as
 * separate processes, so each port must be a networked service; the embedded/local/fs backends
 * live inside one process.
 */
export function unsharedBackends(config: QuiverConfig): string[] {
  const out: string[] = [];
  if (config.log.kind === 'embedded') out.push('log.kind is "embedded" (use "kafka")');
  if (config.coordinator.kind === 'local') out.push('coordinator.kind is "local" (use "redis")');
  if (config.objectStore.kind === 'fs') out.push('objectStore.kind is "fs" (use "s3")');
  return out;
}
