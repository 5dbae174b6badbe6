/**
 * Everything a proxy handler may use, injected by the composition root of each runtime
 * (entry-node.ts, standalone). Handlers never construct clients or read env.
 */
import type { Catalog } from '../shared/catalog/catalog.ts';
import type { FilterCache } from '../shared/filter/index.ts';
import type { ManifestStore } from '../shared/manifest/manifest.ts';
import type { Coordinator } from '../shared/ports/coordinator.ts';
import type { Log } from '../shared/ports/log.ts';
import type { ObjectStore } from '../shared/ports/object-store.ts';
import type { AccessControl } from './auth/access-control.ts';
import type { ReadTier } from './read/read-tier.ts';
import type { IdAllocator } from './write/id-allocator.ts';
import type { SessionTracker } from './write/session-tracker.ts';
import type { WritePath } from './write/write-path.ts';

export interface ProxySettings {
  /** Largest accepted request body, bytes. */
  maxBodyBytes: number;
  /** Deadline when the client sends no Request-Timeout, ms. */
  requestTimeoutMs: number;
  /** Staleness a Bounded read accepts, ms. */
  boundedStalenessMs: number;
  /** Prefix of the log topic of every collection. */
  topicPrefix: string;
}

export interface ProxyServices {
  catalog: Catalog;
  coordinator: Coordinator;
  manifests: ManifestStore;
  log: Log;
  objects: ObjectStore;
  writer: WritePath;
  reader: ReadTier;
  ids: IdAllocator;
  sessions: SessionTracker;
  /** Compiled filters by expression, schema and params. */
  filters: FilterCache;
  settings: ProxySettings;
  /**
   * Authentication, privileges, rate and body limits, and the users/roles records. When absent
   * the app uses auth off with the default limits (see newApp).
   */
  auth?: AccessControl;
  /** Milliseconds since the epoch. Injected so tests can steer time. */
  now(): number;
}
