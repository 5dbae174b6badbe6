/**
 * Shared schema and data for the filter tests: a collection with one field of every
 * filterable type, plus helpers to evaluate a filter over row objects.
 */
import assert from 'node:assert/strict';
import { QuiverError } from '../../../src/shared/errors.ts';
import { compileFilter } from '../../../src/shared/filter/index.ts';
import type { CollectionInfo, DataType, FieldSchema } from '../../../src/shared/schema/types.ts';

function field(fieldId: number, name: string, dataType: DataType, extra: Partial<FieldSchema> = {}): FieldSchema {
  return {
    fieldId,
    name,
    dataType,
    description: '',
    isPrimary: false,
    autoId: false,
    nullable: true,
    isPartitionKey: false,
    isClusteringKey: false,
    extraParams: {},
    ...extra,
  };
}

/** Builds a collection; `fields` default to the full test schema. */
export function makeCollection(options: { dynamic?: boolean; fields?: FieldSchema[]; id?: number } = {}): CollectionInfo {
  return {
    id: options.id ?? 1,
    dbName: 'default',
    name: 'books',
    description: '',
    fields: options.fields ?? FIELDS,
    enableDynamicField: options.dynamic ?? true,
    shardsNum: 1,
    consistencyLevel: 'Bounded',
    properties: {},
    indexes: [],
    partitions: [],
    loaded: true,
    topic: 'books',
    createdAt: 0,
  };
}

export const FIELDS: FieldSchema[] = [
  field(100, 'uid', 'Int64', { isPrimary: true, nullable: false }),
  field(101, 'name', 'VarChar', { maxLength: 64 }),
  field(102, 'age', 'Int32'),
  field(103, 'score', 'Float'),
  field(104, 'weight', 'Double'),
  field(105, 'flag', 'Bool'),
  field(106, 'json', 'JSON'),
  field(107, 'int_array', 'Array', { elementType: 'Int64', maxCapacity: 8 }),
  field(108, 'str_array', 'Array', { elementType: 'VarChar', maxCapacity: 8, maxLength: 16 }),
  field(109, 'float_array', 'Array', { elementType: 'Float', maxCapacity: 8 }),
  field(110, 'bool_array', 'Array', { elementType: 'Bool', maxCapacity: 8 }),
  field(111, 'small', 'Int8'),
  field(112, 'vec', 'FloatVector', { dim: 4 }),
];

/** The collection most tests use: every type, dynamic fields on. */
export const COLLECTION = makeCollection();

/** A collection with a VarChar primary key named book_id. */
export const VARCHAR_PK = makeCollection({
  id: 2,
  fields: [field(100, 'book_id', 'VarChar', { isPrimary: true, nullable: false, maxLength: 32 }), field(101, 'vec', 'FloatVector', { dim: 2 })],
});

/** One row as the tests write it: field name to value, unknown names are dynamic keys. */
export type Row = Record<string, unknown>;

/** Splits row objects into the column layout a predicate binds to. */
export function toColumns(rows: Row[], collection: CollectionInfo = COLLECTION): { pks: (number | string)[]; scalars: Record<string, unknown[]> } {
  const pk = collection.fields.find((f) => f.isPrimary)!.name;
  const known = new Set(collection.fields.map((f) => f.name));
  const scalars: Record<string, unknown[]> = {};
  for (const f of collection.fields) if (!f.isPrimary && !f.dataType.endsWith('Vector')) scalars[f.name] = [];
  if (collection.enableDynamicField) scalars.$meta = [];
  for (const row of rows) {
    const meta: Row = {};
    for (const f of Object.keys(scalars)) if (f !== '$meta') scalars[f].push(row[f] ?? null);
    for (const [k, v] of Object.entries(row)) if (!known.has(k)) meta[k] = v;
    if (collection.enableDynamicField) scalars.$meta.push(meta);
  }
  return { pks: rows.map((r) => r[pk] as number | string), scalars };
}

/** Indexes of the rows matching `expr`. */
export function matching(expr: string, rows: Row[], params?: Record<string, unknown>, collection: CollectionInfo = COLLECTION): number[] {
  const match = compileFilter(expr, collection, params).bind(toColumns(rows, collection));
  const out: number[] = [];
  for (let i = 0; i < rows.length; i++) if (match(i)) out.push(i);
  return out;
}

/**
 * Asserts that compiling `expr` fails with code 1100, the Milvus plan-failure wording, a
 * `line L:C` position, and a detail matching `detail`.
 */
export function assertRejects(expr: string, detail: RegExp, params?: Record<string, unknown>, collection: CollectionInfo = COLLECTION): string {
  let caught: unknown;
  try {
    compileFilter(expr, collection, params);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof QuiverError, `expected ${expr} to be rejected`);
  assert.equal(caught.code, 1100);
  assert.ok(caught.message.startsWith(`failed to create query plan: cannot parse expression: ${expr}, error: `), caught.message);
  assert.match(caught.message, /line \d+:\d+/);
  assert.match(caught.message, detail);
  return caught.message;
}
