/**
 * The Prometheus implementation of the metrics port (prom-client). Each process creates one
 * `PromMetrics` in its composition root: it owns its own Registry (never prom-client's global
 * one), so two instances in one process (tests, standalone) never clash. Node-only.
 *
 * Shard gauges (checkpoint, log end, lag, segments, retention gap) are pulled: sources registered
 * with `addIndexerSource` are sampled when `/metrics` is rendered, so a shard that moved to
 * another indexer disappears from this process's output instead of going stale.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { HttpRequestSample, IndexerShardSample, QuiverMetrics, ShardId } from './metrics.ts';

/** Request latency buckets, seconds: sub-millisecond gets up to a minute-long consistency wait. */
const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Insert-to-visible buckets, seconds: the flush interval (200 ms) is the floor of a healthy shard. */
const VISIBLE_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30, 60, 300];
/** Flush and compaction buckets, seconds. */
const WORK_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];

const SHARD = ['collection', 'shard'] as const;

function shardLabels(s: ShardId): { collection: string; shard: string } {
  return { collection: String(s.collection), shard: String(s.shard) };
}

/** Samples the shards an indexer owns; must not reject (report what is known). */
export type IndexerSource = () => Promise<IndexerShardSample[]>;

export class PromMetrics implements QuiverMetrics {
  readonly registry = new Registry();
  private readonly sources: IndexerSource[] = [];

  private readonly requests = new Counter({
    name: 'quiver_http_requests_total', help: 'HTTP requests answered, by route pattern, method, HTTP status and Milvus code',
    labelNames: ['route', 'method', 'status', 'code'] as const, registers: [this.registry],
  });
  private readonly requestSeconds = new Histogram({
    name: 'quiver_http_request_duration_seconds', help: 'HTTP request latency from arrival to answer, seconds',
    labelNames: ['route', 'method', 'status'] as const, buckets: HTTP_BUCKETS, registers: [this.registry],
  });
  private readonly cacheHits = new Counter({
    name: 'quiver_segment_cache_hits_total', help: 'Segments of a new manifest the replica already held in memory',
    labelNames: SHARD, registers: [this.registry],
  });
  private readonly cacheMisses = new Counter({
    name: 'quiver_segment_cache_misses_total', help: 'Segments of a new manifest the replica had to download',
    labelNames: SHARD, registers: [this.registry],
  });
  private readonly downloadBytes = new Counter({
    name: 'quiver_segment_download_bytes_total', help: 'Bytes of segments downloaded by the replica',
    labelNames: SHARD, registers: [this.registry],
  });
  private readonly visible = new Histogram({
    name: 'quiver_insert_to_visible_seconds',
    help: 'Per log record: seconds from the log append time to the moment this proxy can search it',
    labelNames: SHARD, buckets: VISIBLE_BUCKETS, registers: [this.registry],
  });
  private readonly flushes = new Counter({
    name: 'quiver_flushes_total', help: 'Flat segment publications (flushes) by result',
    labelNames: [...SHARD, 'result'] as const, registers: [this.registry],
  });
  private readonly flushSeconds = new Histogram({
    name: 'quiver_flush_duration_seconds', help: 'Duration of a flush (segment write and manifest commit), seconds',
    labelNames: SHARD, buckets: WORK_BUCKETS, registers: [this.registry],
  });
  private readonly compactions = new Counter({
    name: 'quiver_compactions_total', help: 'Compaction runs by result (ok, skipped, failed)',
    labelNames: [...SHARD, 'result'] as const, registers: [this.registry],
  });
  private readonly compactionSeconds = new Histogram({
    name: 'quiver_compaction_duration_seconds', help: 'Duration of a compaction run (read, merge, index build, write, swap), seconds',
    labelNames: SHARD, buckets: WORK_BUCKETS, registers: [this.registry],
  });
  private readonly fencedTotal = new Counter({
    name: 'quiver_fenced_publications_total', help: 'Publications rejected because another indexer holds a newer epoch',
    labelNames: SHARD, registers: [this.registry],
  });
  private readonly gapsTotal = new Counter({
    name: 'quiver_retention_gaps_total', help: 'Times a shard stopped because the log no longer held the next offset it needs',
    labelNames: SHARD, registers: [this.registry],
  });
  private readonly gap = new Gauge({
    name: 'quiver_retention_gap', help: '1 while an owned shard is stopped by a retention gap, else 0',
    labelNames: SHARD, registers: [this.registry],
  });
  private readonly checkpoint = new Gauge({
    name: 'quiver_indexer_checkpoint_offset', help: 'Last log offset reflected in the shard manifest (-1 before the first publish)',
    labelNames: SHARD, registers: [this.registry],
  });
  private readonly logEnd = new Gauge({
    name: 'quiver_log_end_offset', help: 'Log end offset of the shard (the offset the next record gets)',
    labelNames: SHARD, registers: [this.registry],
  });
  private readonly lag = new Gauge({
    name: 'quiver_indexing_lag_messages', help: 'Log records of the shard not yet published in a segment (log end - checkpoint - 1)',
    labelNames: SHARD, registers: [this.registry],
  });
  private readonly segments = new Gauge({
    name: 'quiver_shard_segments', help: 'Segments in the shard manifest by level (0 flat, 1 HNSW)',
    labelNames: [...SHARD, 'level'] as const, registers: [this.registry],
  });
  private readonly segmentBytes = new Gauge({
    name: 'quiver_shard_segment_bytes', help: 'Bytes of the segments in the shard manifest by level',
    labelNames: [...SHARD, 'level'] as const, registers: [this.registry],
  });
  private readonly shardsOwned = new Gauge({
    name: 'quiver_indexer_shards', help: 'Shards owned by this indexer by status (active, fenced, retention-gap)',
    labelNames: ['status'] as const, registers: [this.registry],
  });

  /** @param processMetrics also export prom-client's process and Node.js runtime metrics */
  constructor(processMetrics = true) {
    if (processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Adds a source of indexer shard samples, read at every render. */
  addIndexerSource(source: IndexerSource): void {
    this.sources.push(source);
  }

  httpRequest(s: HttpRequestSample): void {
    const status = String(s.status);
    this.requests.inc({ route: s.route, method: s.method, status, code: s.code });
    this.requestSeconds.observe({ route: s.route, method: s.method, status }, s.seconds);
  }

  segmentsApplied(shard: ShardId, hits: number, misses: number, bytes: number): void {
    const l = shardLabels(shard);
    this.cacheHits.inc(l, hits);
    this.cacheMisses.inc(l, misses);
    this.downloadBytes.inc(l, bytes);
  }

  recordsVisible(shard: ShardId, latenciesSeconds: number[]): void {
    const l = shardLabels(shard);
    for (const s of latenciesSeconds) this.visible.observe(l, Math.max(0, s));
  }

  flushed(shard: ShardId, seconds: number, ok: boolean): void {
    const l = shardLabels(shard);
    this.flushes.inc({ ...l, result: ok ? 'ok' : 'failed' });
    if (ok) this.flushSeconds.observe(l, seconds);
  }

  compacted(shard: ShardId, seconds: number, result: 'ok' | 'skipped' | 'failed'): void {
    const l = shardLabels(shard);
    this.compactions.inc({ ...l, result });
    this.compactionSeconds.observe(l, seconds);
  }

  fenced(shard: ShardId): void {
    this.fencedTotal.inc(shardLabels(shard));
  }

  retentionGap(shard: ShardId, stopped: boolean): void {
    if (stopped) this.gapsTotal.inc(shardLabels(shard));
  }

  /** The exposition text of every metric; samples the indexer sources first. Never rejects for a source. */
  async render(): Promise<{ contentType: string; body: string }> {
    const samples = (await Promise.all(this.sources.map((s) => s().catch(() => [])))).flat();
    for (const g of [this.gap, this.checkpoint, this.logEnd, this.lag, this.segments, this.segmentBytes, this.shardsOwned]) g.reset();
    const byStatus = new Map<string, number>([['active', 0], ['fenced', 0], ['retention-gap', 0]]);
    for (const s of samples) {
      const l = shardLabels(s);
      byStatus.set(s.status, (byStatus.get(s.status) ?? 0) + 1);
      this.gap.set(l, s.status === 'retention-gap' ? 1 : 0);
      this.checkpoint.set(l, s.checkpoint);
      if (s.logEnd !== null) {
        this.logEnd.set(l, s.logEnd);
        this.lag.set(l, Math.max(0, s.logEnd - s.checkpoint - 1));
      }
      for (const seg of s.segments) {
        this.segments.set({ ...l, level: String(seg.level) }, seg.count);
        this.segmentBytes.set({ ...l, level: String(seg.level) }, seg.bytes);
      }
    }
    if (this.sources.length > 0) for (const [status, n] of byStatus) this.shardsOwned.set({ status }, n);
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
