/**
 * Turning Milvus `indexParams` entries (collections/create and indexes/create) into IndexSpecs.
 *
 * quiver builds every vector index with usearch, as HNSW or as an exact (FLAT) scan. HNSW, FLAT and
 * AUTOINDEX are taken as they are; the other Milvus vector index types (IVF_FLAT, DISKANN, ...)
 * are built as HNSW and keep their name for describe, so clients written for Milvus work
 * unchanged. Indexes on scalar fields are accepted and not built (filters scan columns).
 */

import { ErrorCode, QuiverError, invalidParameter } from '../errors.ts';
import type { IndexParamRequest } from './create-request.ts';
import { parseMetric } from './data-types.ts';
import { MAX_NAME_LENGTH } from './names.ts';
import type { FieldSchema, IndexSpec, IndexType, Quantization, VectorType } from './types.ts';
import { isVectorType } from './types.ts';

/** HNSW graph degree when not given (also what AUTOINDEX means in quiver). */
export const DEFAULT_M = 16;
/** HNSW construction beam width when not given. */
export const DEFAULT_EF_CONSTRUCTION = 200;

/** Milvus vector index types that quiver builds as HNSW (BIN_FLAT is exact, like FLAT). */
const BUILT_AS_HNSW: ReadonlySet<string> = new Set([
  'IVF_FLAT', 'IVF_SQ8', 'IVF_PQ', 'IVF_RABITQ', 'HNSW_SQ', 'HNSW_PQ', 'HNSW_PRQ', 'DISKANN',
  'SCANN', 'GPU_CAGRA', 'GPU_IVF_FLAT', 'GPU_IVF_PQ', 'BIN_IVF_FLAT', 'MINHASH_LSH',
]);
const BUILT_AS_FLAT: ReadonlySet<string> = new Set(['BIN_FLAT', 'GPU_BRUTE_FORCE']);
/** Milvus scalar index types: accepted on scalar fields, nothing to build. */
const SCALAR_INDEX_TYPES: ReadonlySet<string> = new Set([
  'INVERTED', 'STL_SORT', 'TRIE', 'BITMAP', 'AUTOINDEX', 'NGRAM', 'RTREE', 'HYBRID', 'SORTED',
]);
/** Keys that are index settings, not verbatim parameters. */
const CONTROL_KEYS: ReadonlySet<string> = new Set(['index_type', 'metric_type', 'M', 'efConstruction', 'quantization']);

/** What buildIndexSpecs returns. */
export interface BuiltIndexes {
  /** New vector indexes, in request order. */
  indexes: IndexSpec[];
  /** Scalar-field index requests that were valid and are not built. */
  ignored: IndexParamRequest[];
}

/**
 * Validates `requests` against `fields` and the indexes that already exist. Throws 1802 when an
 * entry names a field that is not in the schema and 1100 for an unknown index type, a metric
 * that does not fit the vector type, parameters out of range, or a second, different index on a
 * field. Re-creating an identical index is a no-op, as in Milvus.
 */
export function buildIndexSpecs(
  fields: readonly FieldSchema[],
  requests: readonly IndexParamRequest[],
  existing: readonly IndexSpec[] = [],
): BuiltIndexes {
  const indexes: IndexSpec[] = [];
  const ignored: IndexParamRequest[] = [];
  for (const req of requests) {
    const fieldName = req.fieldName ?? '';
    const field = fields.find((f) => f.name === fieldName);
    if (!field) {
      throw new QuiverError(
        ErrorCode.MissingParameter,
        `missing required parameters, error: \`${fieldName}\` hasn't defined in schema`,
      );
    }
    if (req.indexName && req.indexName.length > MAX_NAME_LENGTH) {
      throw invalidParameter(`Invalid index name. The length of an index name must be less than ${MAX_NAME_LENGTH} characters.`);
    }
    const params = req.params ?? {};
    const requested = (req.indexType || stringParam(params.index_type) || 'AUTOINDEX').toUpperCase();
    if (!isVectorType(field.dataType)) {
      if (!SCALAR_INDEX_TYPES.has(requested)) {
        throw invalidParameter(`invalid index type: ${requested} for scalar field ${field.name}`);
      }
      ignored.push(req);
      continue;
    }
    const spec = vectorIndex(field, req, requested, params);
    const all = [...existing, ...indexes];
    const same = all.find((x) => x.fieldName === spec.fieldName);
    if (same) {
      if (sameIndex(same, spec)) continue;
      throw invalidParameter(`at most one distinct index is allowed per field, field ${field.name} already has index ${same.indexName}`);
    }
    if (all.some((x) => x.indexName === spec.indexName)) {
      throw invalidParameter(`index name ${spec.indexName} already exists on another field`);
    }
    indexes.push(spec);
  }
  return { indexes, ignored };
}

/** The index quick setup creates: AUTOINDEX on the vector field, named after it. */
export function defaultIndex(field: FieldSchema, metric: string | undefined): IndexSpec {
  return vectorIndex(field, { fieldName: field.name, metricType: metric }, 'AUTOINDEX', {});
}

function vectorIndex(
  field: FieldSchema,
  req: IndexParamRequest,
  requested: string,
  params: Record<string, unknown>,
): IndexSpec {
  const t = field.dataType as VectorType;
  let indexType: IndexType;
  if (requested === 'HNSW' || requested === 'FLAT' || requested === 'AUTOINDEX') indexType = requested;
  else if (BUILT_AS_HNSW.has(requested)) indexType = 'HNSW';
  else if (BUILT_AS_FLAT.has(requested)) indexType = 'FLAT';
  else throw invalidParameter(`invalid index type: ${requested}, supported: HNSW, FLAT, AUTOINDEX`);
  const metricType = parseMetric(req.metricType || stringParam(params.metric_type), t, field.name);
  const out: Record<string, string | number> = {};
  if (indexType !== 'FLAT') {
    out.M = intSetting(params.M, 'M', DEFAULT_M, 2, 2048);
    out.efConstruction = intSetting(params.efConstruction, 'efConstruction', DEFAULT_EF_CONSTRUCTION, 1, 2147483647);
  }
  out.quantization = quantization(params.quantization, t, field.name);
  for (const [key, value] of Object.entries(params)) {
    if (CONTROL_KEYS.has(key) || value === undefined || value === null) continue;
    out[key] = typeof value === 'number' || typeof value === 'string' ? value : JSON.stringify(value);
  }
  const spec: IndexSpec = {
    indexName: req.indexName || field.name,
    fieldName: field.name,
    indexType,
    metricType,
    params: out,
  };
  if (requested !== indexType) spec.requestedIndexType = requested;
  return spec;
}

function quantization(value: unknown, t: VectorType, fieldName: string): Quantization {
  const q = stringParam(value);
  if (t === 'BinaryVector') {
    if (q !== undefined && q !== '' && q !== 'b1') {
      throw invalidParameter(`quantization ${q} is not supported for BinaryVector field ${fieldName}, only b1`);
    }
    return 'b1';
  }
  if (q === undefined || q === '') return t === 'Int8Vector' ? 'i8' : 'f32';
  if (q === 'f32' || q === 'f16' || q === 'i8') return q;
  throw invalidParameter(`invalid quantization ${q} of field ${fieldName}, supported: f32, f16, i8`);
}

function intSetting(value: unknown, key: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'string' && /^[+-]?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw invalidParameter(`param '${key}' (${String(value)}) should be an integer in range [${min}, ${max}]`);
  }
  return n;
}

function stringParam(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : String(value);
}

function sameIndex(a: IndexSpec, b: IndexSpec): boolean {
  return (
    a.indexName === b.indexName &&
    a.indexType === b.indexType &&
    a.metricType === b.metricType &&
    a.requestedIndexType === b.requestedIndexType &&
    JSON.stringify(a.params) === JSON.stringify(b.params)
  );
}
