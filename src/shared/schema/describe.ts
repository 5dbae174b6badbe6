/**
 * Answers for collections/describe and indexes/describe in Milvus's exact JSON shapes.
 *
 * Milvus builds these as Go maps, which encoding/json writes with sorted keys; the objects here
 * are built in that order so the serialized bytes match too. Field `params` is omitted when a
 * field has no type parameters (e.g. an Int64 primary key), and `defaultValue` is Milvus's
 * protobuf ValueField as encoding/json renders it, e.g. {"Data":{"LongData":7}}.
 */

import { shortestFloat32 } from './output.ts';
import type { CollectionInfo, FieldSchema, IndexSpec } from './types.ts';
import { primaryField } from './types.ts';

/** Milvus's KeyValuePair as JSON. */
export interface KeyValue {
  key: string;
  value: string;
}

/** One entry of describe's `fields` (keys in Go's sorted order). */
export interface DescribedField {
  autoId: boolean;
  clusteringKey: boolean;
  defaultValue?: { Data: Record<string, unknown> };
  description: string;
  elementType?: string;
  id: number;
  name: string;
  nullable: boolean;
  params?: KeyValue[];
  partitionKey: boolean;
  primaryKey: boolean;
  type: string;
}

/** The `data` of collections/describe. */
export interface DescribedCollection {
  aliases: string[];
  autoId: boolean;
  collectionID: number;
  collectionName: string;
  consistencyLevel: string;
  description: string;
  enableDynamicField: boolean;
  fields: DescribedField[];
  functions: unknown[];
  indexes: { fieldName: string; indexName: string; metricType: string }[];
  load: string;
  partitionsNum: number;
  properties: KeyValue[];
  shardsNum: number;
}

/** Live state describe reports that the schema does not hold. */
export interface DescribeOptions {
  /**
   * Load state to report; defaults to LoadStateLoaded / LoadStateNotLoad from c.loaded. Pass
   * "LoadStateLoading" while a load is in progress.
   */
  loadState?: string;
}

/** The `data` of a collections/describe answer. */
export function describeCollection(
  c: CollectionInfo,
  aliases: string[],
  opts: DescribeOptions = {},
): DescribedCollection {
  return {
    aliases: [...aliases],
    autoId: primaryField(c).autoId,
    collectionID: c.id,
    collectionName: c.name,
    consistencyLevel: c.consistencyLevel,
    description: c.description,
    enableDynamicField: c.enableDynamicField,
    fields: c.fields.map(describeField),
    functions: [],
    indexes: c.indexes.map((x) => ({ fieldName: x.fieldName, indexName: x.indexName, metricType: x.metricType })),
    load: opts.loadState ?? (c.loaded ? 'LoadStateLoaded' : 'LoadStateNotLoad'),
    partitionsNum: c.numPartitions ?? c.partitions.length,
    properties: Object.entries(c.properties).map(([key, value]) => ({ key, value })),
    shardsNum: c.shardsNum,
  };
}

/** One entry of describe's `fields`. */
export function describeField(f: FieldSchema): DescribedField {
  const out: DescribedField = {
    autoId: f.autoId,
    clusteringKey: f.isClusteringKey,
    description: f.description,
    id: f.fieldId,
    name: f.name,
    nullable: f.nullable,
    partitionKey: f.isPartitionKey,
    primaryKey: f.isPrimary,
    type: f.dataType,
  };
  if (f.defaultValue !== undefined && f.defaultValue !== null) out.defaultValue = valueField(f);
  if (f.dataType === 'Array') out.elementType = f.elementType;
  const params = fieldParams(f);
  if (params.length > 0) out.params = params;
  return sortKeys(out);
}

/** Type parameters as Milvus stores them: dim, max_length, max_capacity, then the others. */
export function fieldParams(f: FieldSchema): KeyValue[] {
  const out: KeyValue[] = [];
  if (f.dim !== undefined) out.push({ key: 'dim', value: String(f.dim) });
  if (f.maxLength !== undefined) out.push({ key: 'max_length', value: String(f.maxLength) });
  if (f.maxCapacity !== undefined) out.push({ key: 'max_capacity', value: String(f.maxCapacity) });
  for (const [key, value] of Object.entries(f.extraParams)) out.push({ key, value });
  return out;
}

function valueField(f: FieldSchema): { Data: Record<string, unknown> } {
  switch (f.dataType) {
    case 'Bool':
      return { Data: { BoolData: f.defaultValue } };
    case 'Int8':
    case 'Int16':
    case 'Int32':
      return { Data: { IntData: f.defaultValue } };
    case 'Int64':
      return { Data: { LongData: f.defaultValue } };
    case 'Float':
      // Stored rounded to float32; Go prints float32 in its shortest form.
      return { Data: { FloatData: shortestFloat32(f.defaultValue as number) } };
    case 'Double':
      return { Data: { DoubleData: f.defaultValue } };
    default:
      return { Data: { StringData: f.defaultValue } };
  }
}

/** Row counts and state of one index, from the segments that hold it. */
export interface IndexProgress {
  totalRows: number;
  indexedRows: number;
  pendingRows: number;
  /** Milvus IndexState name (Finished, InProgress, Failed...); default Finished, as Milvus reports
   * once sealed data is indexed even while newer rows wait. */
  indexState?: string;
  failReason?: string;
}

/** One entry of indexes/describe. */
export interface DescribedIndex {
  failReason: string;
  fieldName: string;
  indexName: string;
  indexParams: KeyValue[];
  indexState: string;
  indexType: string;
  indexedRows: number;
  metricType: string;
  pendingRows: number;
  totalRows: number;
}

/** One entry of an indexes/describe answer; row counts come from the caller. */
export function describeIndex(x: IndexSpec, progress: IndexProgress): DescribedIndex {
  const indexType = x.requestedIndexType ?? x.indexType;
  const indexParams: KeyValue[] = [
    { key: 'index_type', value: indexType },
    { key: 'metric_type', value: x.metricType },
  ];
  for (const [key, value] of Object.entries(x.params)) indexParams.push({ key, value: String(value) });
  return {
    failReason: progress.failReason ?? '',
    fieldName: x.fieldName,
    indexName: x.indexName,
    indexParams,
    indexState: progress.indexState ?? 'Finished',
    indexType,
    indexedRows: progress.indexedRows,
    metricType: x.metricType,
    pendingRows: progress.pendingRows,
    totalRows: progress.totalRows,
  };
}

/** Rebuilds `o` with its keys in code-unit order (Go's map key order in JSON). */
function sortKeys<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(o).sort()) out[key] = (o as Record<string, unknown>)[key];
  return out as T;
}
