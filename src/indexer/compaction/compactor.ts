/**
 * Runs compactions of owned shards in the background, one at a time per shard: read the chosen
 * segments, merge them, build HNSW indexes for large results (in the index builder's worker),
 * write the new segment, then swap it into the manifest under the shard's publish lock. Replaced
 * segments are deleted after a grace period so replicas still downloading them can finish; if the
 * process dies first they stay as unreferenced orphans, never as missing data.
 */
import type { IndexerConfig } from '../../shared/config/schema.ts';
import type { Logger } from '../../shared/logger.ts';
import { FencedError, type ManifestStore, type SegmentRef } from '../../shared/manifest/manifest.ts';
import { vectorKind, type CollectionInfo, type MetricType, type Quantization } from '../../shared/schema/types.ts';
import type { Catalog } from '../../shared/catalog/catalog.ts';
import type { SegmentData } from '../../shared/segment/format.ts';
import type { SegmentStore } from '../../shared/segment/store.ts';
import type { IndexBuilder } from '../build/index-builder.ts';
import type { IndexerMetrics } from '../../shared/observability/metrics.ts';
import type { ShardState } from '../shard-state.ts';
import { mergeSegments } from './merge.ts';
import { pickCompaction } from './policy.ts';

/** How long replaced segment files stay readable (replicas still loading them, a manifest backup racing a hand-over), ms. */
const GC_DELAY_MS = 10 * 60_000;

/** Pause before a failed compaction is tried again, ms. */
const RETRY_DELAY_MS = 5_000;

export interface CompactorDeps {
  catalog: Catalog;
  manifests: ManifestStore;
  segments: SegmentStore;
  builder: IndexBuilder;
  config: IndexerConfig;
  logger: Logger;
  now(): number;
  newId(): string;
  /** Counts and times compaction runs and fenced swaps. */
  metrics?: Pick<IndexerMetrics, 'compacted' | 'fenced'>;
}

function hnswSpecs(c: CollectionInfo, data: SegmentData, minRows: number) {
  const out: Record<string, { metric: MetricType; quantization: Quantization; M: number; efConstruction: number }> = {};
  if (data.pks.length < minRows) return out;
  for (const idx of c.indexes) {
    if (idx.indexType === 'FLAT') continue;
    const field = c.fields.find((f) => f.name === idx.fieldName);
    if (!field || !data.vectors[field.name]) continue;
    const kind = vectorKind(field.dataType as never);
    const q = String(idx.params.quantization ?? (kind === 'b1' ? 'b1' : kind === 'i8' ? 'i8' : 'f32')) as Quantization;
    out[field.name] = {
      metric: idx.metricType,
      quantization: q,
      M: Number(idx.params.M ?? 16),
      efConstruction: Number(idx.params.efConstruction ?? 200),
    };
  }
  return out;
}

export class Compactor {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly deps: CompactorDeps) {}

  /**
   * Starts a compaction of the shard when one is due (or `full`). One compaction runs at a time
   * per shard: a `full` request that arrives meanwhile is kept and runs once the current one ends.
   */
  schedule(state: ShardState, full: boolean): void {
    if (state.status !== 'active') return;
    if (state.compacting) {
      if (full) state.fullCompactionPending = true;
      return;
    }
    if (full) state.fullCompactionPending = false;
    const plan = pickCompaction(state.owned.manifest, this.deps.config, full);
    if (!plan) return;
    state.compacting = true;
    let failed = false;
    const started = this.deps.now();
    const id = { collection: state.collection.id, shard: state.shard };
    const seconds = () => (this.deps.now() - started) / 1000;
    void this.run(state, plan)
      .then((swapped) => this.deps.metrics?.compacted(id, seconds(), swapped ? 'ok' : 'skipped'))
      .catch((err) => {
        failed = true;
        this.deps.metrics?.compacted(id, seconds(), 'failed');
        if (err instanceof FencedError) this.deps.metrics?.fenced(id);
        else {
          this.deps.logger.error('compaction failed; will retry', { shard: state.shard, error: (err as Error).message });
        }
      })
      .finally(() => {
        state.compacting = false;
        if (state.status !== 'active') return;
        // Merges cascade: a new segment may complete a tier, and segments flushed meanwhile may be
        // due. A full request that waited runs now; a failed one is retried, after a pause.
        if (failed && full) state.fullCompactionPending = true;
        const fullNext = state.fullCompactionPending;
        this.later(() => this.schedule(state, fullNext), failed ? RETRY_DELAY_MS : 0);
      });
  }

  /** Cancels deferred deletions (their segments stay as orphans) and scheduled retries. */
  cancelPending(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Runs one compaction; answers whether its result was swapped into the manifest. */
  private async run(state: ShardState, plan: SegmentRef[]): Promise<boolean> {
    // Re-read the catalog: purging rows of dropped partitions must use the current partition list.
    const c = await this.deps.catalog.collectionById(state.collection.id);
    if (!c) return false;
    state.collection = c;
    const inputs = await Promise.all(
      plan.map(async (ref) => {
        const meta = await this.deps.segments.readMeta(c.id, state.shard, ref.id);
        return { data: await this.deps.segments.readData(meta), lsnMin: ref.lsnMin, lsnMax: ref.lsnMax };
      }),
    );
    const coversShard = plan.length === state.owned.manifest.segments.length;
    const merged = mergeSegments(inputs, { collection: c, coversShard, now: this.deps.now() });
    const specs = hnswSpecs(c, merged, this.deps.config.hnswMinRows);
    const hnsw: Record<string, { bytes: Uint8Array; meta: (typeof specs)[string] }> = {};
    for (const [name, spec] of Object.entries(specs)) {
      hnsw[name] = { bytes: await this.deps.builder.build(merged.vectors[name], spec), meta: spec };
    }
    const lsnMin = Math.min(...plan.map((p) => p.lsnMin));
    const lsnMax = Math.max(...plan.map((p) => p.lsnMax));
    const empty = merged.pks.length === 0 && merged.tombstones.pks.length === 0;
    const written = empty
      ? null
      : await this.deps.segments.write({
          collectionId: c.id, shard: state.shard, level: Object.keys(hnsw).length > 0 ? 1 : 0,
          id: `${lsnMin}-${lsnMax}-e${state.owned.manifest.epoch}-c${this.deps.newId().slice(0, 8)}`,
          lsnMin, lsnMax, data: merged, fields: c.fields, hnsw, now: this.deps.now(),
        });
    const replaced = new Set(plan.map((p) => p.id));
    const swapped = await state.exclusive(async () => {
      const cur = state.owned.manifest;
      if (state.status !== 'active' || !plan.every((p) => cur.segments.some((s) => s.id === p.id))) return false;
      const segments = cur.segments.filter((s) => !replaced.has(s.id));
      if (written) segments.push(written.ref);
      segments.sort((a, b) => a.lsnMin - b.lsnMin);
      state.owned = await this.deps.manifests.publish(state.owned, { ...cur, segments, updatedAt: this.deps.now() });
      return true;
    });
    const garbage = swapped ? plan.map((p) => p.id) : written ? [written.ref.id] : [];
    this.deferDelete(c.id, state.shard, garbage, swapped ? GC_DELAY_MS : 0);
    if (swapped) {
      this.deps.logger.info('compacted', {
        collection: c.id, shard: state.shard, inputs: plan.length, rows: merged.pks.length, indexed: Object.keys(hnsw),
      });
    }
    return swapped;
  }

  private deferDelete(collectionId: number, shard: number, ids: string[], delayMs: number): void {
    if (ids.length === 0) return;
    this.later(() => {
      for (const id of ids) void this.deps.segments.remove(collectionId, shard, id).catch(() => undefined);
    }, delayMs);
  }

  /** Runs fn after delayMs unless cancelPending comes first; never keeps the process alive. */
  private later(fn: () => void, delayMs: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, delayMs);
    t.unref?.();
    this.timers.add(t);
  }
}
