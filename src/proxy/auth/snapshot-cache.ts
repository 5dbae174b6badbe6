/**
 * This proxy's copy of every user, role and key, so a request costs no coordinator round trip.
 * Freshness: a coordinator watch on the auth prefix drops the copy on any change (from any
 * proxy), this proxy's own changes drop it at once, and a copy older than the TTL is re-read in
 * case a notification was lost (watches are best effort). So a revoked key or role stops working
 * everywhere within the TTL at worst, usually at once.
 */
import type { AuthSnapshot } from '../../shared/catalog/auth-records.ts';
import type { AuthStore } from '../../shared/catalog/auth-store.ts';
import { authKeys } from '../../shared/catalog/keys.ts';
import { unavailable } from '../../shared/errors.ts';
import type { Coordinator } from '../../shared/ports/coordinator.ts';

export interface SnapshotCacheOptions {
  store: AuthStore;
  coordinator: Coordinator;
  /** Longest use of a copy without re-reading, ms (0: read on every request). */
  ttlMs: number;
  /** Milliseconds since the epoch. */
  now(): number;
}

interface Loaded {
  snapshot: AuthSnapshot;
  loadedAt: number;
}

export class SnapshotCache {
  private current: Loaded | null = null;
  /** Bumped by every invalidation; a read started before one is not kept as current. */
  private generation = 0;
  private loading: { generation: number; promise: Promise<AuthSnapshot> } | null = null;
  private unwatch: (() => void) | null = null;

  constructor(private readonly o: SnapshotCacheOptions) {}

  /** Subscribes to changes. Idempotent. */
  start(): void {
    this.unwatch ??= this.o.coordinator.watch(authKeys.prefix(), () => this.invalidate());
  }

  /** Forgets the copy; the next `get` reads the coordinator. */
  invalidate(): void {
    this.generation++;
    this.current = null;
  }

  /**
   * The current snapshot. Concurrent callers share one read. Rejects with 2201 (HTTP 503) when
   * the coordinator cannot be read and no fresh copy exists: auth fails closed.
   */
  async get(): Promise<AuthSnapshot> {
    const cur = this.current;
    if (cur && this.o.now() - cur.loadedAt < this.o.ttlMs) return cur.snapshot;
    if (this.loading && this.loading.generation === this.generation) return this.loading.promise;
    const generation = this.generation;
    const startedAt = this.o.now();
    const promise = this.o.store.snapshot().then(
      (snapshot) => {
        if (this.generation === generation) this.current = { snapshot, loadedAt: startedAt };
        return snapshot;
      },
      (err: unknown) => {
        throw unavailable('coordinator (users and roles)', err);
      },
    );
    this.loading = { generation, promise };
    try {
      return await promise;
    } finally {
      if (this.loading?.promise === promise) this.loading = null;
    }
  }

  /** Stops watching. Idempotent. */
  close(): void {
    this.unwatch?.();
    this.unwatch = null;
  }
}
