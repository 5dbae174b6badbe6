/**
 * The Node read tier: keeps loaded collections' segments in memory, follows their shard manifests
 * (coordinator watch, with a periodic poll as fallback for lost notifications), and answers
 * queries and searches over consistent per-shard snapshots.
 */
import type { CompiledFilter } from '../../shared/filter/index.ts';
import { shardKeys, parseShardKey } from '../../shared/catalog/keys.ts';
import { timeout } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { ReplicaMetrics } from '../../shared/observability/metrics.ts';
import type { NotReady } from '../../shared/observability/readiness.ts';
import type { ManifestStore } from '../../shared/manifest/manifest.ts';
import type { Coordinator } from '../../shared/ports/coordinator.ts';
import type { CollectionInfo, PrimaryKey } from '../../shared/schema/types.ts';
import type { SegmentStore } from '../../shared/segment/store.ts';
import { shardOf } from '../write/shard-router.ts';
import type { FoundRow, Hit, LoadState, QueryPlan, ReadTier, SearchPlan } from '../read/read-tier.ts';
import { acceptor, collectionTtlMs, LiveCounts, type Visibility } from './rows.ts';
import { runSearch } from './search-exec.ts';
import { ShardReplica, type ShardSnapshot } from './shard-replica.ts';

export interface ReplicaDeps {
  coordinator: Coordinator;
  manifests: ManifestStore;
  segments: SegmentStore;
  /** Local directory for downloaded index files. */
  cacheDir: string;
  logger: Logger;
  now(): number;
  /** Fallback poll period for manifests, ms. */
  pollMs?: number;
  /** Segment cache and insert-to-visible instrumentation; default none. */
  metrics?: ReplicaMetrics;
}

/** A manifest refresh running longer than this is logged, ms. */
const SLOW_REFRESH_MS = 30_000;

interface Loaded {
  collection: CollectionInfo;
  shards: ShardReplica[];
  /** Per shard, the refresh that is queued and has not read the manifest yet (null: none). */
  queued: Array<Promise<void> | null>;
  state: LoadState;
  ready: Promise<void>;
  unwatch: () => void;
  waiters: Set<() => void>;
  /** Per shard, the error of its last refresh, or null when it succeeded (readiness). */
  failures: Array<string | null>;
}

export class Replica implements ReadTier {
  private readonly loaded = new Map<number, Loaded>();
  private poller: ReturnType<typeof setInterval> | null = null;
  private readonly counts = new LiveCounts();

  constructor(private readonly deps: ReplicaDeps) {}

  async load(c: CollectionInfo): Promise<void> {
    const existing = this.loaded.get(c.id);
    if (existing) {
      existing.collection = c;
      return existing.ready;
    }
    const metrics = this.deps.metrics;
    const observer = metrics ? { collection: c.id, metrics, now: this.deps.now } : undefined;
    const shards = Array.from({ length: c.shardsNum }, (_, i) => new ShardReplica(i, this.deps.segments, this.deps.cacheDir, observer));
    const entry: Loaded = {
      collection: c, shards, queued: shards.map(() => null), state: 'LoadStateLoading', ready: Promise.resolve(), waiters: new Set(),
      failures: shards.map(() => null),
      unwatch: this.deps.coordinator.watch(shardKeys.manifestPrefix(c.id), (key) => {
        const k = parseShardKey(key);
        if (k && k.collectionId === c.id) void this.refreshShard(entry, k.shard);
      }),
    };
    this.loaded.set(c.id, entry);
    entry.ready = Promise.all(shards.map((_, i) => this.refreshShard(entry, i))).then(() => {
      entry.state = 'LoadStateLoaded';
    });
    this.poller ??= setInterval(() => this.pollAll(), this.deps.pollMs ?? 1000);
    this.poller.unref?.();
    return entry.ready;
  }

  async release(collectionId: number): Promise<void> {
    const entry = this.loaded.get(collectionId);
    if (!entry) return;
    this.loaded.delete(collectionId);
    entry.unwatch();
    for (const w of entry.waiters) w();
    await Promise.all(entry.shards.map((s) => s.close()));
  }

  /** Releases everything (process shutdown). */
  async close(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    await Promise.all([...this.loaded.keys()].map((id) => this.release(id)));
  }

  loadState(collectionId: number): LoadState {
    return this.loaded.get(collectionId)?.state ?? 'LoadStateNotLoad';
  }

  /**
   * Loaded collections that cannot serve fully: still loading, or a shard whose last manifest
   * refresh failed (its segments may be missing or stale). For readiness.
   */
  notReady(): NotReady[] {
    const out: NotReady[] = [];
    for (const e of this.loaded.values()) {
      const component = `collection ${e.collection.name} (${e.collection.id})`;
      if (e.state !== 'LoadStateLoaded') out.push({ component, reason: 'segments still loading' });
      e.failures.forEach((f, shard) => {
        if (f !== null) out.push({ component: `${component} shard ${shard}`, reason: `segments not loaded: ${f}` });
      });
    }
    return out;
  }

  checkpoints(collectionId: number): number[] {
    return this.loaded.get(collectionId)?.shards.map((s) => s.checkpoint) ?? [];
  }

  async waitFor(c: CollectionInfo, minCheckpoint: number[], deadline: number): Promise<void> {
    const entry = await this.entry(c);
    const satisfied = () => entry.shards.every((s, i) => s.checkpoint >= (minCheckpoint[i] ?? -1));
    while (!satisfied()) {
      const left = deadline - this.deps.now();
      if (left <= 0 || !this.loaded.has(c.id)) {
        throw timeout(`consistency wait timed out: indexed ${JSON.stringify(this.checkpoints(c.id))}, needed ${JSON.stringify(minCheckpoint)}`);
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(t);
          entry.waiters.delete(done);
          resolve();
        };
        const t = setTimeout(done, Math.min(left, 250));
        entry.waiters.add(done);
      });
    }
  }

  async query(c: CollectionInfo, plan: QueryPlan): Promise<FoundRow[]> {
    const vis = this.visibility(c, plan.filter, plan.partitionIds);
    const want = plan.offset + plan.limit;
    const found: FoundRow[] = [];
    await this.eachSnapshot(c, (snap) => {
      snap.segments.forEach((seg, s) => {
        if (found.length >= want) return;
        const accept = acceptor(seg, snap.live[s], vis).accept ?? (() => true);
        for (let r = 0; r < seg.data.pks.length && found.length < want; r++) {
          if (accept(r)) found.push({ pk: seg.data.pks[r], source: seg.data, row: r });
        }
      });
    });
    return found.slice(plan.offset, want);
  }

  async count(c: CollectionInfo, filter: CompiledFilter | null, partitionIds: number[] | null): Promise<number> {
    const vis = this.visibility(c, filter, partitionIds);
    let n = 0;
    await this.eachSnapshot(c, (snap) => {
      snap.segments.forEach((seg, s) => {
        const { accept, acceptCount } = acceptor(seg, snap.live[s], vis);
        if (acceptCount !== undefined) n += acceptCount;
        else for (let r = 0; r < seg.data.pks.length; r++) if (accept!(r)) n++;
      });
    });
    return n;
  }

  async search(c: CollectionInfo, plan: SearchPlan): Promise<Hit[][]> {
    const vis = this.visibility(c, plan.filter, plan.partitionIds);
    const entry = await this.entry(c);
    const pin = async (i: number, acc: ShardSnapshot[]): Promise<Hit[][]> =>
      i === entry.shards.length
        ? runSearch(c, acc, plan, vis)
        : entry.shards[i].withSnapshot((snap) => pin(i + 1, [...acc, snap]));
    return pin(0, []);
  }

  async getByPks(c: CollectionInfo, pks: PrimaryKey[], partitionIds: number[] | null): Promise<FoundRow[]> {
    const entry = await this.entry(c);
    const vis = this.visibility(c, null, partitionIds);
    const out: FoundRow[] = [];
    const seen = new Set<PrimaryKey>();
    for (const pk of pks) {
      if (seen.has(pk)) continue;
      seen.add(pk);
      await entry.shards[shardOf(pk, c.shardsNum)].withSnapshot((snap) => {
        const at = snap.tracker.locate(pk);
        if (!at || at.segment >= snap.segments.length) return;
        const seg = snap.segments[at.segment];
        const { accept } = acceptor(seg, snap.live[at.segment], vis);
        if (!accept || accept(at.row)) out.push({ pk, source: seg.data, row: at.row });
      });
    }
    return out;
  }

  private visibility(c: CollectionInfo, filter: CompiledFilter | null, partitionIds: number[] | null): Visibility {
    // Without a partition list, still restrict to the partitions that exist: rows of a dropped
    // partition stay in segments until compaction purges them but must never be visible.
    const ids = partitionIds ?? c.partitions.map((p) => p.id);
    return { filter, partitionIds: ids, ttlMs: collectionTtlMs(c), now: this.deps.now(), counts: this.counts };
  }

  private async entry(c: CollectionInfo): Promise<Loaded> {
    const entry = this.loaded.get(c.id);
    if (!entry) throw new Error(`collection ${c.name} is not loaded`);
    entry.collection = c;
    await entry.ready;
    return entry;
  }

  private async eachSnapshot(c: CollectionInfo, fn: (s: ShardSnapshot) => void): Promise<void> {
    const entry = await this.entry(c);
    for (const shard of entry.shards) await shard.withSnapshot(fn);
  }

  /**
   * Brings one shard up to its current manifest. Refreshes of a shard run one after another (a
   * slow segment load delays the next), so a change notified while a refresh is queued and has
   * not read the manifest yet joins that refresh: its read will see the change too. Never rejects.
   */
  private refreshShard(entry: Loaded, shard: number): Promise<void> {
    const queued = entry.queued[shard];
    if (queued) return queued;
    const run: Promise<void> = Promise.resolve().then(() => this.runRefresh(entry, shard, run));
    entry.queued[shard] = run;
    return run;
  }

  private async runRefresh(entry: Loaded, shard: number, self: Promise<void>): Promise<void> {
    const leaveQueue = () => {
      if (entry.queued[shard] === self) entry.queued[shard] = null;
    };
    // Every call below is bounded by its adapter's timeouts, but a refresh that still runs after
    // this long holds the shard's later refreshes back: say so, since reads will wait on it.
    const slow = setTimeout(() => {
      this.deps.logger.warn('manifest refresh still running', { collection: entry.collection.id, shard, afterMs: SLOW_REFRESH_MS });
    }, SLOW_REFRESH_MS);
    slow.unref?.();
    try {
      await entry.shards[shard].refresh(entry.collection, () => {
        // From here on, a newer change needs a refresh of its own.
        leaveQueue();
        return this.deps.manifests.read(entry.collection.id, shard);
      });
      entry.failures[shard] = null;
    } catch (err) {
      entry.failures[shard] = (err as Error).message;
      this.deps.logger.warn('manifest refresh failed; will retry', { collection: entry.collection.id, shard, error: (err as Error).message });
    } finally {
      clearTimeout(slow);
      leaveQueue();
      for (const w of [...entry.waiters]) w();
    }
  }

  private pollAll(): void {
    for (const entry of this.loaded.values()) entry.shards.forEach((_, i) => void this.refreshShard(entry, i));
  }
}
