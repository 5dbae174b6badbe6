/**
 * The Milvus data model as quiver stores it: collection schemas, indexes, partitions, and the
 * columnar row batches that flow from the proxy through the log into segments.
 */

export const SCALAR_TYPES = [
  'Bool', 'Int8', 'Int16', 'Int32', 'Int64', 'Float', 'Double', 'VarChar', 'JSON', 'Array',
] as const;
export const VECTOR_TYPES = [
  'FloatVector', 'Float16Vector', 'BFloat16Vector', 'BinaryVector', 'Int8Vector',
] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];
export type VectorType = (typeof VECTOR_TYPES)[number];
export type DataType = ScalarType | VectorType;
/** Element types an Array field may hold. */
export type ElementType = Exclude<ScalarType, 'JSON' | 'Array'>;

export type MetricType = 'COSINE' | 'IP' | 'L2' | 'HAMMING' | 'JACCARD';
export type IndexType = 'HNSW' | 'FLAT' | 'AUTOINDEX';
/** Storage precision of an HNSW index. f32 is exact; f16 halves memory; i8 quarters it. */
export type Quantization = 'f32' | 'f16' | 'i8' | 'b1';
export type ConsistencyLevel = 'Strong' | 'Session' | 'Bounded' | 'Eventually';

export interface FieldSchema {
  /** Stable id, 100 + position, as Milvus numbers fields. */
  fieldId: number;
  name: string;
  dataType: DataType;
  description: string;
  isPrimary: boolean;
  autoId: boolean;
  nullable: boolean;
  /** Value used when a row omits the field (or sends null). Already validated for the type. */
  defaultValue?: unknown;
  isPartitionKey: boolean;
  isClusteringKey: boolean;
  elementType?: ElementType;
  /** Vector dimension (number of components; bits for BinaryVector). */
  dim?: number;
  /** VarChar (and VarChar array elements) maximum length in characters. */
  maxLength?: number;
  /** Array maximum number of elements. */
  maxCapacity?: number;
  /** Other elementTypeParams, kept verbatim as strings for describe. */
  extraParams: Record<string, string>;
}

export interface IndexSpec {
  indexName: string;
  fieldName: string;
  indexType: IndexType;
  metricType: MetricType;
  /** HNSW: M (connectivity), efConstruction, quantization; verbatim others kept for describe. */
  params: Record<string, string | number>;
  /**
   * The Milvus index type the client asked for when quiver builds it as another type (e.g.
   * IVF_FLAT built as HNSW). Describe answers with this name so clients see what they created.
   */
  requestedIndexType?: string;
}

export interface PartitionInfo {
  name: string;
  id: number;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

export interface CollectionInfo {
  /** Unique forever (never reused after drop), used in topic and object keys. */
  id: number;
  dbName: string;
  name: string;
  description: string;
  fields: FieldSchema[];
  enableDynamicField: boolean;
  shardsNum: number;
  consistencyLevel: ConsistencyLevel;
  /** Milvus collection properties, e.g. collection.ttl.seconds. */
  properties: Record<string, string>;
  /**
   * Number of partitions Milvus would create for a partition-key collection (params.partitionsNum,
   * default 64). Absent otherwise; describe then reports the number of partitions.
   */
  numPartitions?: number;
  indexes: IndexSpec[];
  partitions: PartitionInfo[];
  loaded: boolean;
  /** The log topic holding this collection's writes; one partition per shard. */
  topic: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

export interface DatabaseInfo {
  id: number;
  name: string;
  properties: Record<string, string>;
  createdAt: number;
}

/** Primary key value: Int64 keys are JS safe integers, VarChar keys strings. */
export type PrimaryKey = number | string;

/**
 * Vectors of one field for n rows, flattened row-major.
 * f32: Float32Array of n*dim (FloatVector, and Float16/BFloat16 widened on input);
 * i8: Int8Array of n*dim; b1: Uint8Array of n*dim/8 (BinaryVector, bits packed MSB first).
 */
export type VectorColumn =
  | { kind: 'f32'; dim: number; data: Float32Array }
  | { kind: 'i8'; dim: number; data: Int8Array }
  | { kind: 'b1'; dim: number; data: Uint8Array };

/**
 * A validated batch of rows in column form, as produced by the write path and stored in
 * segments. Every column has `pks.length` entries. Scalar values are JSON-compatible
 * (null for null); the dynamic field is the column "$meta" holding objects.
 */
export interface RowBatch {
  pks: PrimaryKey[];
  /** Partition id per row (ids are never reused, so a dropped partition's rows never resurface). */
  partitions: number[];
  vectors: Record<string, VectorColumn>;
  scalars: Record<string, unknown[]>;
}

/** Name of the column that holds dynamic fields (keys not in the schema). */
export const DYNAMIC_FIELD = '$meta';
export const DEFAULT_PARTITION = '_default';
export const DEFAULT_DATABASE = 'default';

export function isVectorType(t: DataType): t is VectorType {
  return (VECTOR_TYPES as readonly string[]).includes(t);
}

export function primaryField(c: CollectionInfo): FieldSchema {
  const f = c.fields.find((x) => x.isPrimary);
  if (!f) throw new Error(`collection ${c.name} has no primary field`);
  return f;
}

export function vectorFields(c: CollectionInfo): FieldSchema[] {
  return c.fields.filter((f) => isVectorType(f.dataType));
}

/** Bytes one vector of this field takes in a VectorColumn. */
export function vectorBytes(f: FieldSchema): number {
  const dim = f.dim ?? 0;
  switch (f.dataType) {
    case 'BinaryVector':
      return dim / 8;
    case 'Int8Vector':
      return dim;
    default:
      return dim * 4;
  }
}

/** Column kind used to store vectors of this type. */
export function vectorKind(t: VectorType): VectorColumn['kind'] {
  if (t === 'BinaryVector') return 'b1';
  if (t === 'Int8Vector') return 'i8';
  return 'f32';
}
