/**
 * collections/create: from a bound request (create-request.ts) to quiver's collection model.
 *
 * Quick setup (no schema.fields): a primary key (Int64, or VarChar with params.max_length) and one
 * FloatVector field of `dimension`, an AUTOINDEX index named after the vector field and a loaded
 * collection; dynamic fields default to on. Custom setup: the given fields, indexes from
 * indexParams, loaded only when indexParams index every vector field (Milvus loads after
 * indexing and a load without indexes fails); dynamic fields default to off.
 */

import { invalidParameter } from '../errors.ts';
import { applyTypeParams, buildField, checkFieldSet, FIRST_FIELD_ID } from './build-fields.ts';
import type { CreateCollectionRequest, IndexParamRequest } from './create-request.ts';
import { buildIndexSpecs, defaultIndex } from './index-spec.ts';
import { validateCollectionName } from './names.ts';
import type { CollectionInfo, ConsistencyLevel, FieldSchema, IndexSpec } from './types.ts';
import { DEFAULT_DATABASE, isVectorType } from './types.ts';

/** A collection as create produces it; the catalog adds its topic and default partition. */
export type NewCollection = Omit<CollectionInfo, 'topic' | 'partitions'>;

/** What buildCollection returns. */
export interface BuiltCollection {
  collection: NewCollection;
  /** Scalar-field index requests that were accepted but are not built. */
  ignoredIndexes: IndexParamRequest[];
}

/** Identity and time of the collection being created, chosen by the catalog. */
export interface BuildIds {
  collectionId: number;
  /** Milliseconds since the epoch. */
  now: number;
  /** Database resolved from the body or the DB-Name header; defaults to req.dbName or "default". */
  dbName?: string;
}

/** Largest shardsNum quiver accepts (Milvus's proxy.maxShardNum is configurable). */
export const MAX_SHARDS = 64;
/** Partitions Milvus creates for a partition-key collection unless params.partitionsNum says. */
export const DEFAULT_PARTITION_KEY_PARTITIONS = 64;

const CONSISTENCY_LEVELS: readonly ConsistencyLevel[] = ['Strong', 'Session', 'Bounded', 'Eventually'];

/**
 * Builds the collection described by `req`. Throws QuiverError 1100 for any invalid setting
 * (with Milvus's wording where Milvus has one) and 1802 for an index on an unknown field.
 */
export function buildCollection(req: CreateCollectionRequest, ids: BuildIds): BuiltCollection {
  const name = req.collectionName ?? '';
  validateCollectionName(name);
  const params = req.params ?? {};
  const quick = (req.schema?.fields ?? []).length === 0;
  let fields: FieldSchema[];
  let indexes: IndexSpec[];
  let ignoredIndexes: IndexParamRequest[] = [];
  let enableDynamicField: boolean;
  let loaded: boolean;
  if (quick) {
    if ((req.schema?.functions ?? []).length > 0) {
      throw invalidParameter('functions are not supported for quickly create collection: invalid parameter[expected=schema][actual=functions]');
    }
    fields = quickFields(req, name);
    indexes = [defaultIndex(fields[1], req.metricType ?? undefined)];
    enableDynamicField = parseBoolParam(params.enableDynamicField, 'enableDynamicField') ?? true;
    loaded = true;
  } else {
    if ((req.schema?.functions ?? []).length > 0) {
      throw invalidParameter('schema functions (BM25, embedding functions) are not supported');
    }
    const autoID = req.schema?.autoID === true;
    fields = (req.schema?.fields ?? []).map((f, i) => buildField(f, i, name, autoID));
    checkFieldSet(fields);
    const built = buildIndexSpecs(fields, req.indexParams ?? []);
    indexes = built.indexes;
    ignoredIndexes = built.ignored;
    enableDynamicField =
      req.schema?.enableDynamicField ?? parseBoolParam(params.enableDynamicField, 'enableDynamicField') ?? false;
    loaded =
      (req.indexParams ?? []).length > 0 &&
      fields.every((f) => !isVectorType(f.dataType) || indexes.some((x) => x.fieldName === f.name));
  }
  const collection: NewCollection = {
    id: ids.collectionId,
    dbName: ids.dbName ?? (req.dbName || DEFAULT_DATABASE),
    name,
    description: req.description ?? '',
    fields,
    enableDynamicField,
    shardsNum: shardsNum(params.shardsNum),
    consistencyLevel: consistencyLevel(params.consistencyLevel),
    properties: properties(params),
    indexes,
    loaded,
    createdAt: ids.now,
  };
  if (fields.some((f) => f.isPartitionKey)) {
    collection.numPartitions = partitionsNum(params.partitionsNum);
  }
  return { collection, ignoredIndexes };
}

function quickFields(req: CreateCollectionRequest, collectionName: string): FieldSchema[] {
  if (!req.dimension) {
    throw invalidParameter(
      'dimension is required for quickly create collection(default metric type: COSINE): invalid parameter[expected=collectionName & dimension][actual=collectionName]',
    );
  }
  const idType = req.idType ?? '';
  let pkType: 'Int64' | 'VarChar';
  if (idType === '' || idType === 'Int64' || idType === 'int64') pkType = 'Int64';
  else if (idType === 'VarChar' || idType === 'Varchar') pkType = 'VarChar';
  else {
    throw invalidParameter(
      `idType can only be [Int64, VarChar], default: Int64: invalid parameter[expected=Int64, Varchar][actual=${idType}]`,
    );
  }
  const pk: FieldSchema = {
    fieldId: FIRST_FIELD_ID,
    name: req.primaryFieldName || 'id',
    dataType: pkType,
    description: '',
    isPrimary: true,
    autoId: req.autoID === true,
    nullable: false,
    isPartitionKey: false,
    isClusteringKey: false,
    extraParams: {},
  };
  const maxLength = req.params?.max_length;
  const pkParams: Record<string, string> = {};
  if (pkType === 'VarChar' && maxLength !== undefined && maxLength !== null) {
    pkParams.max_length = typeof maxLength === 'string' ? maxLength : JSON.stringify(maxLength);
  }
  applyTypeParams(pk, pkParams, collectionName);
  const vector: FieldSchema = {
    fieldId: FIRST_FIELD_ID + 1,
    name: req.vectorFieldName || 'vector',
    dataType: 'FloatVector',
    description: '',
    isPrimary: false,
    autoId: false,
    nullable: false,
    isPartitionKey: false,
    isClusteringKey: false,
    extraParams: {},
  };
  applyTypeParams(vector, { dim: String(req.dimension) }, collectionName);
  const fields = [pk, vector];
  checkFieldSet(fields);
  return fields;
}

/** Go's strconv.ParseBool on fmt.Sprint(value): true/false and 1/t/T/TRUE/True and their negations. */
export function parseBoolParam(value: unknown, key: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  const text = String(value);
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  throw invalidParameter(`parse ${key} fail, err:strconv.ParseBool: parsing "${text}": invalid syntax`);
}

/** Milvus ignores an unparsable shardsNum and treats <= 0 as the default 1. */
function shardsNum(value: unknown): number {
  const n = parseIntLoose(value);
  if (n === undefined || n <= 0) return 1;
  if (n > MAX_SHARDS) throw invalidParameter(`maximum shards's number should be limited to ${MAX_SHARDS}`);
  return n;
}

function partitionsNum(value: unknown): number {
  const n = parseIntLoose(value);
  if (n === undefined) return DEFAULT_PARTITION_KEY_PARTITIONS;
  if (n <= 0 || n > 1024) throw invalidParameter(`partition number (${n}) should be in range [1, 1024]`);
  return n;
}

function parseIntLoose(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

function consistencyLevel(value: unknown): ConsistencyLevel {
  if (value === undefined || value === null) return 'Bounded';
  const text = String(value);
  if ((CONSISTENCY_LEVELS as readonly string[]).includes(text)) return text as ConsistencyLevel;
  throw invalidParameter(
    `consistencyLevel can only be [Strong, Session, Bounded, Eventually], default: Bounded: invalid parameter[expected=Strong, Session, Bounded, Eventually][actual=${text}]`,
  );
}

/** Collection properties carried by create params, with Milvus's property keys. */
function properties(params: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const ttl = params.ttlSeconds;
  if (ttl !== undefined && ttl !== null) {
    const text = typeof ttl === 'string' ? ttl : JSON.stringify(ttl);
    if (!/^\d+$/.test(text)) throw invalidParameter(`ttlSeconds must be a non-negative integer, got ${text}`);
    out['collection.ttl.seconds'] = text;
  }
  if (params.partitionKeyIsolation !== undefined && params.partitionKeyIsolation !== null) {
    out['partitionkey.isolation'] = String(parseBoolParam(params.partitionKeyIsolation, 'partitionKeyIsolation'));
  }
  if (params['mmap.enabled'] !== undefined && params['mmap.enabled'] !== null) {
    out['mmap.enabled'] = String(parseBoolParam(params['mmap.enabled'], 'mmap.enabled'));
  }
  return out;
}
