/**
 * Opens the three ports with the backends the configuration names. The only place (besides
 * tests) that constructs adapters; each process's composition root calls it once.
 */
import { join, resolve } from 'node:path';
import { openEmbeddedLog } from '../adapters/embedded-log/index.ts';
import { openFsObjectStore } from '../adapters/fs/fs-object-store.ts';
import { openLocalCoordinator } from '../adapters/local-coordinator/local-coordinator.ts';
import type { QuiverConfig } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { Coordinator } from '../ports/coordinator.ts';
import type { Log } from '../ports/log.ts';
import type { ObjectStore } from '../ports/object-store.ts';

export interface Ports {
  log: Log;
  objects: ObjectStore;
  coordinator: Coordinator;
  /** Closes all three (coordinator last: others may still publish). Idempotent. */
  close(): Promise<void>;
}

export async function openPorts(config: QuiverConfig, logger: Logger): Promise<Ports> {
  const dataDir = resolve(config.dataDir);
  const coordinator = await openLocalCoordinator({
    path: config.coordinator.path ?? join(dataDir, 'coordinator'),
    onWatchError: (error, key) => logger.warn('watch callback failed', { key, error: String(error) }),
  });
  const objects = await openFsObjectStore({ root: config.objectStore.path ?? join(dataDir, 'objects') });
  const log = await openEmbeddedLog({
    path: config.log.path ?? join(dataDir, 'log'),
    maxRecordBytes: config.log.maxRecordBytes,
  });
  let closed = false;
  return {
    log,
    objects,
    coordinator,
    close: async () => {
      if (closed) return;
      closed = true;
      await log.close();
      await objects.close();
      await coordinator.close();
    },
  };
}
