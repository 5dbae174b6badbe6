/**
 * The read tier as the HTTP app sees it: segment-backed query and search over loaded
 * collections. The Node implementation (src/proxy/replica) holds segments in memory and searches
 * them with usearch; other runtimes forward to it. Values come back raw (typed-array vectors,
 * numbers for Int64); the routes format them for JSON.
 */
import type { CompiledFilter } from '../../shared/filter/index.ts';
import type { RowSource } from '../../shared/schema/output.ts';
import type { CollectionInfo, MetricType, PrimaryKey, VectorColumn } from '../../shared/schema/types.ts';

export type LoadState = 'LoadStateNotLoad' | 'LoadStateLoading' | 'LoadStateLoaded';

/** A stored row as found by a query or search: row `row` of the columns in `source`. */
export interface FoundRow {
  pk: PrimaryKey;
  source: RowSource;
  row: number;
}

export interface QueryPlan {
  filter: CompiledFilter | null;
  /** Restrict to these partition ids; null = all. */
  partitionIds: number[] | null;
  limit: number;
  offset: number;
}

export interface SearchPlan {
  annsField: string;
  metric: MetricType;
  /** The query vectors, one per row of the column. */
  queries: VectorColumn;
  limit: number;
  offset: number;
  /** HNSW search breadth; raised to at least limit+offset. */
  ef?: number;
  radius?: number;
  rangeFilter?: number;
  filter: CompiledFilter | null;
  partitionIds: number[] | null;
  /** Group hits by this field's value (see groupingDynamic). */
  groupingField?: string;
  /** True when groupingField is a key of the dynamic field, not a schema field. */
  groupingDynamic?: boolean;
  groupSize?: number;
  strictGroupSize?: boolean;
}

export interface Hit extends FoundRow {
  /** Milvus score: squared L2 / Hamming / Jaccard distance (lower is better) or IP / cosine similarity (higher is better). */
  distance: number;
}

export interface ReadTier {
  /** Starts serving the collection: loads every shard's segments. Idempotent. */
  load(collection: CollectionInfo): Promise<void>;
  /** Stops serving it and frees its memory. Idempotent. */
  release(collectionId: number): Promise<void>;
  loadState(collectionId: number): LoadState;
  /**
   * Resolves once every shard i has loaded segments covering log offset minCheckpoint[i]
   * (entries of -1 need nothing). Rejects with a timeout error (never stale data) at deadline.
   */
  waitFor(collection: CollectionInfo, minCheckpoint: number[], deadline: number): Promise<void>;
  /** Loaded checkpoint per shard (-1 = nothing yet). */
  checkpoints(collectionId: number): number[];
  query(collection: CollectionInfo, plan: QueryPlan): Promise<FoundRow[]>;
  count(collection: CollectionInfo, filter: CompiledFilter | null, partitionIds: number[] | null): Promise<number>;
  /** Hits per query vector, best first. */
  search(collection: CollectionInfo, plan: SearchPlan): Promise<Hit[][]>;
  /** Live rows by primary key (for get and delete-by-id), restricted to partitions when given. */
  getByPks(collection: CollectionInfo, pks: PrimaryKey[], partitionIds: number[] | null): Promise<FoundRow[]>;
}
