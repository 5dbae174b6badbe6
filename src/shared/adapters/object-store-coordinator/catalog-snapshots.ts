/**
 * The newest catalog snapshot in the object store (written by BackedUpCoordinator after every
 * catalog commit), cached for a bounded time. A snapshot is written before the commit that
 * caused it resolves, so a catalog change acknowledged to a client is in the newest snapshot.
 *
 * No refresh is shared between callers: on Workers an I/O promise belongs to the request that
 * started it, so two requests may each read the listing; only the parsed result is shared.
 */
import { z } from 'zod';
import type { ObjectStore } from '../../ports/object-store.ts';
import { catalogSnapshotPrefix } from '../../recovery/backup-keys.ts';

const snapshotSchema = z.object({
  generation: z.number().int(),
  entries: z.array(z.object({ key: z.string(), value: z.string() })),
});

/** One snapshot as a sorted map; `version` orders snapshots (generation, then coordinator version). */
export interface CatalogView {
  /** Object key of the snapshot ('' when there is none yet). */
  objectKey: string;
  /** Increases with every newer snapshot; used as the version of every key in it. */
  version: number;
  values: Map<string, string>;
}

const EMPTY: CatalogView = { objectKey: '', version: 0, values: new Map() };

/**
 * The coordinator version in a snapshot's name "<generation>-<version>.json". Versions come from
 * a counter that never repeats, even after the coordinator lost its data (see adapters/redis),
 * so they alone order snapshots.
 */
export function snapshotVersion(objectKey: string): number {
  const m = /\d{8}-(\d{16})\.json$/.exec(objectKey);
  return m ? Number(m[1]) : 0;
}

export interface CatalogSnapshotsOptions {
  objects: ObjectStore;
  /** A view older than this is re-read before use, ms. */
  maxStalenessMs: number;
  /** A lookup that misses re-reads a view older than this, ms (a collection created just now). */
  missRefreshMs: number;
  now(): number;
  /** Told the keys whose value changed (added, removed, updated) when a newer snapshot is read. */
  onChange(keys: string[]): void;
}

export class CatalogSnapshots {
  private view: CatalogView = EMPTY;
  private readAt = -Infinity;

  constructor(private readonly o: CatalogSnapshotsOptions) {}

  /** The current view, re-read when older than maxStalenessMs. Rejects with the store's errors. */
  async current(): Promise<CatalogView> {
    if (this.o.now() - this.readAt >= this.o.maxStalenessMs) await this.refresh();
    return this.view;
  }

  /** Re-reads when the view is older than missRefreshMs (after a lookup found nothing). */
  async afterMiss(): Promise<CatalogView> {
    if (this.o.now() - this.readAt >= this.o.missRefreshMs) await this.refresh();
    return this.view;
  }

  private async refresh(): Promise<void> {
    const started = this.o.now();
    const listed = await this.o.objects.list(catalogSnapshotPrefix());
    const newest = listed.length === 0 ? '' : listed[listed.length - 1].key;
    if (newest === this.view.objectKey) {
      this.readAt = Math.max(this.readAt, started);
      return;
    }
    const version = snapshotVersion(newest);
    const parsed = snapshotSchema.parse(JSON.parse(new TextDecoder().decode(await this.o.objects.get(newest))));
    // A slower concurrent refresh must not replace a newer view with an older one.
    if (version < this.view.version) return;
    const next: CatalogView = { objectKey: newest, version, values: new Map(parsed.entries.map((e) => [e.key, e.value])) };
    const changed = diff(this.view.values, next.values);
    this.view = next;
    this.readAt = Math.max(this.readAt, started);
    if (changed.length > 0) this.o.onChange(changed);
  }
}

function diff(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of after) if (before.get(k) !== v) out.push(k);
  for (const k of before.keys()) if (!after.has(k)) out.push(k);
  return out;
}
