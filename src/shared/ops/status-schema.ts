/**
 * The shape of `GET /v2/quiver/status`: what the cluster knows about its collections, shards,
 * segments and processes, as one JSON document. The server validates every answer with
 * `statusSchema` before sending it, and clients (the web console, scripts, tests) may parse the
 * envelope's `data` with the same schema.
 *
 * Units: times are milliseconds since the epoch, sizes bytes, offsets log offsets, lag messages
 * (log records; a write request makes one record per shard it touches).
 */
import { z } from 'zod';

/** Roles a process record may carry. */
export const PROCESS_ROLES = ['proxy', 'indexer', 'standalone'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

export const segmentStatusSchema = z.object({
  id: z.string(),
  /** 0 = flat (raw vectors, exact search); 1 = HNSW index per indexed vector field. */
  level: z.union([z.literal(0), z.literal(1)]),
  kind: z.enum(['flat', 'hnsw']),
  /** Rows stored, superseded and deleted ones included until compaction purges them. */
  rows: z.number().int().nonnegative(),
  tombstones: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  lsnMin: z.number().int(),
  lsnMax: z.number().int(),
  createdAt: z.number(),
});

/** The owner of a shard as its indexer reports it in its heartbeat. */
export const shardOwnerSchema = z.object({
  processId: z.string(),
  /** The indexer's view: active, fenced, retention-gap, ... */
  state: z.string(),
  reason: z.string(),
});

export const shardStatusSchema = z.object({
  shard: z.number().int().nonnegative(),
  /** Epoch of the shard's current owner (0: never owned). */
  epoch: z.number().int().nonnegative(),
  /** Last log offset the published segments reflect; -1 before the first publish. */
  checkpoint: z.number().int(),
  /** Next offset the log will assign (exclusive end); null when the log could not be asked. */
  logEndOffset: z.number().int().nullable(),
  /** Records in the log not yet in a published segment; null when logEndOffset is unknown. */
  lag: z.number().int().nonnegative().nullable(),
  /** Why logEndOffset is null. */
  logError: z.string().optional(),
  /** Last manifest change; null when the shard has no manifest yet. */
  updatedAt: z.number().nullable(),
  /** Freshness mark of a caught-up owner (basis of Bounded reads); null when none. */
  watermark: z.object({ endOffset: z.number().int(), asOf: z.number() }).nullable(),
  /** Null when no live indexer reports owning the shard. */
  owner: shardOwnerSchema.nullable(),
  segments: z.array(segmentStatusSchema),
});

export const fieldSummarySchema = z.object({
  name: z.string(),
  dataType: z.string(),
  isPrimary: z.boolean(),
  autoId: z.boolean(),
  nullable: z.boolean(),
  isPartitionKey: z.boolean(),
  dim: z.number().int().optional(),
  maxLength: z.number().int().optional(),
  elementType: z.string().optional(),
});

export const indexSummarySchema = z.object({
  indexName: z.string(),
  fieldName: z.string(),
  indexType: z.string(),
  metricType: z.string(),
});

export const collectionStatusSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string(),
  shardsNum: z.number().int().positive(),
  consistencyLevel: z.string(),
  enableDynamicField: z.boolean(),
  fields: z.array(fieldSummarySchema),
  indexes: z.array(indexSummarySchema),
  partitions: z.array(z.string()),
  /** As collections/get_load_state answers it on the proxy that was asked. */
  loadState: z.enum(['LoadStateNotLoad', 'LoadStateLoading', 'LoadStateLoaded']),
  /** Sum of `rows` over the published segments (superseded and deleted rows included). */
  storedRows: z.number().int().nonnegative(),
  /** Live rows this proxy serves; null when the collection is not loaded here. */
  liveRows: z.number().int().nonnegative().nullable(),
  /** Sum of the shards' lag; null when any shard's lag is unknown. */
  lag: z.number().int().nonnegative().nullable(),
  createdAt: z.number(),
  shards: z.array(shardStatusSchema),
});

export const databaseStatusSchema = z.object({
  name: z.string(),
  collections: z.array(collectionStatusSchema),
});

export const processStatusSchema = z.object({
  id: z.string(),
  /** proxy | indexer | standalone, or whatever a newer process wrote. */
  role: z.string(),
  host: z.string(),
  pid: z.number().int().nullable(),
  version: z.string(),
  /** HTTP base URL of a proxy or standalone server; '' for an indexer. */
  address: z.string(),
  startedAt: z.number().nullable(),
  lastHeartbeat: z.number().nullable(),
  /** When the record disappears unless renewed (the asking proxy's clock). */
  expiresAt: z.number(),
});

export const statusSchema = z.object({
  /** When this document was assembled. */
  generatedAt: z.number(),
  databases: z.array(databaseStatusSchema),
  processes: z.array(processStatusSchema),
});

export type SegmentStatus = z.infer<typeof segmentStatusSchema>;
export type ShardStatus = z.infer<typeof shardStatusSchema>;
export type ShardOwner = z.infer<typeof shardOwnerSchema>;
export type FieldSummary = z.infer<typeof fieldSummarySchema>;
export type CollectionStatus = z.infer<typeof collectionStatusSchema>;
export type DatabaseStatus = z.infer<typeof databaseStatusSchema>;
export type ProcessStatus = z.infer<typeof processStatusSchema>;
export type QuiverStatus = z.infer<typeof statusSchema>;
