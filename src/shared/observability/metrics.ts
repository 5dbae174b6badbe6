/**
 * The metrics port: what the proxy, the replica and the indexer report, in their own terms. Core
 * code calls these methods and never imports a metrics library, so the proxy app stays
 * runtime-agnostic; the Node composition roots pass a Prometheus-backed implementation
 * (prom-metrics.ts), tests and the Workers entry pass `noopMetrics`.
 */

/** A shard of a collection; `collection` is the collection id (stable across renames). */
export interface ShardId {
  collection: number;
  shard: number;
}

/** One finished HTTP request. */
export interface HttpRequestSample {
  /** The matched route pattern (never the raw URL), or "unmatched". */
  route: string;
  method: string;
  /** HTTP status answered. */
  status: number;
  /** Milvus code of the envelope ("0" on success); "" for answers without one (404, probes). */
  code: string;
  /** Wall time from the request's arrival to the answer, seconds. */
  seconds: number;
}

/** What an indexer knows about a shard it owns, sampled when metrics are scraped. */
export interface IndexerShardSample extends ShardId {
  /** Last log offset reflected in the manifest (-1 before the first publish). */
  checkpoint: number;
  /** The log end offset (next offset to be written), or null when the log did not answer. */
  logEnd: number | null;
  /** 'active' | 'fenced' | 'retention-gap'. */
  status: string;
  /** Segments in the manifest by level (0 = flat, 1 = HNSW) with their total bytes. */
  segments: Array<{ level: number; count: number; bytes: number }>;
}

/** Instrumentation of the HTTP front (proxy, standalone, indexer listener). */
export interface HttpMetrics {
  httpRequest(sample: HttpRequestSample): void;
}

/** Instrumentation of a proxy's read replica. */
export interface ReplicaMetrics {
  /**
   * A new snapshot of the shard was swapped in: `hits` segments were already held, `misses` were
   * downloaded (`bytes` in total).
   */
  segmentsApplied(shard: ShardId, hits: number, misses: number, bytes: number): void;
  /**
   * Log records became searchable on this proxy: one latency per record, seconds from the log's
   * append time to the swap of the snapshot holding it.
   */
  recordsVisible(shard: ShardId, latenciesSeconds: number[]): void;
}

/** Instrumentation of an indexer. */
export interface IndexerMetrics {
  /** A flush published (ok) or failed; seconds of the attempt. */
  flushed(shard: ShardId, seconds: number, ok: boolean): void;
  /** A compaction ended: 'ok' (swapped in), 'skipped' (inputs changed meanwhile) or 'failed'. */
  compacted(shard: ShardId, seconds: number, result: 'ok' | 'skipped' | 'failed'): void;
  /** A publication was rejected because another owner holds a newer epoch. */
  fenced(shard: ShardId): void;
  /** The shard stopped (true) or resumed (false) because of a retention gap. */
  retentionGap(shard: ShardId, stopped: boolean): void;
}

export type QuiverMetrics = HttpMetrics & ReplicaMetrics & IndexerMetrics;

/** Discards everything (tests, and runtimes without a metrics endpoint). */
export const noopMetrics: QuiverMetrics = {
  httpRequest() {},
  segmentsApplied() {},
  recordsVisible() {},
  flushed() {},
  compacted() {},
  fenced() {},
  retentionGap() {},
};
