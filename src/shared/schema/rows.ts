/**
 * entities/insert and upsert: validating client rows against a collection and turning them into
 * a columnar RowBatch.
 *
 * The whole batch is checked before anything is returned; the first bad row fails the request
 * with 1804 ("fail to deal the insert data, error: row <i>, field <name>: ...") and nothing of it
 * is written. Duplicate primary keys inside a batch are kept (Milvus does not reject them; the
 * later row wins downstream).
 *
 * This runs for every insert, so per-row work is plain loops over precomputed field lists:
 * vectors are copied straight into preallocated typed arrays (vector-values.ts), and errors are
 * the only thing that allocates messages.
 */

import { invalidInsertData, invalidParameter } from '../errors.ts';
import { MAX_JSON_FIELD_BYTES, oversizedJson } from './json-limits.ts';
import { toPrimaryKey } from './primary-keys.ts';
import { FieldValueError, setOwn, toScalar } from './scalar-values.ts';
import type { CollectionInfo, FieldSchema, PrimaryKey, RowBatch } from './types.ts';
import { DYNAMIC_FIELD, isVectorType, primaryField } from './types.ts';
import { vectorWriter, writeVector, type VectorWriter } from './vector-values.ts';

/** How validateRows treats a batch. */
export interface ValidateRowsOptions {
  /** Id of the partition every row goes to. */
  partitionId: number;
  /**
   * Allocates `n` unique Int64 ids for an autoID collection on insert (VarChar keys get their
   * text). Called once per batch, and only after the batch is valid.
   */
  allocateIds?: (n: number) => number[];
  /** insert: an autoID key must be absent. upsert: the key is always required. */
  mode: 'insert' | 'upsert';
}

/** A row problem; turned into the 1804 error with row and field context. */
class RowError extends Error {
  constructor(
    readonly row: number,
    readonly field: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Validates `rows` for collection `c` and returns them as columns. Throws QuiverError 1804 for
 * the first row that does not fit (not an object, missing or invalid primary key, a field of the
 * wrong type or out of range, a missing vector, an unknown key without dynamic fields).
 */
export function validateRows(c: CollectionInfo, rows: unknown[], opts: ValidateRowsOptions): RowBatch {
  try {
    return buildBatch(c, rows, opts);
  } catch (err) {
    if (err instanceof RowError) {
      const where = err.field === undefined ? `row ${err.row}` : `row ${err.row}, field ${err.field}`;
      throw invalidInsertData(`${where}: ${err.message}`);
    }
    throw err;
  }
}

function buildBatch(c: CollectionInfo, rows: unknown[], opts: ValidateRowsOptions): RowBatch {
  const n = rows.length;
  if (n === 0) throw invalidInsertData('missing required parameters, data must hold at least one row');
  const pk = primaryField(c);
  const generateKeys = pk.autoId && opts.mode === 'insert';
  const scalarFields: FieldSchema[] = [];
  const writers: VectorWriter[] = [];
  const vectorNames: string[] = [];
  const schemaNames = new Set<string>();
  for (const f of c.fields) {
    schemaNames.add(f.name);
    if (f.isPrimary) continue;
    if (isVectorType(f.dataType)) {
      writers.push(vectorWriter(f, n));
      vectorNames.push(f.name);
    } else {
      scalarFields.push(f);
    }
  }
  const scalarColumns: unknown[][] = scalarFields.map(() => new Array<unknown>(n));
  const jsonFields = scalarFields.map((f) => f.dataType === 'JSON');
  const dynamic = c.enableDynamicField;
  const meta: Record<string, unknown>[] | null = dynamic ? new Array<Record<string, unknown>>(n) : null;
  const pks = new Array<PrimaryKey>(n);

  for (let i = 0; i < n; i++) {
    const value: unknown = rows[i];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new RowError(i, undefined, 'a row must be a JSON object');
    }
    const row = value as Record<string, unknown>;

    const key = read(row, pk.name);
    if (generateKeys) {
      if (key !== undefined && key !== null) {
        throw new RowError(i, pk.name, `can not assign primary field data when auto id enabled ${pk.name}`);
      }
    } else if (key === undefined || key === null) {
      const msg = pk.autoId
        ? `must assign pk when upsert, primary field: ${pk.name}`
        : `field ${pk.name} is required`;
      throw new RowError(i, pk.name, msg);
    } else {
      pks[i] = convert(pk, key, i) as PrimaryKey;
    }

    for (let v = 0; v < writers.length; v++) {
      const name = vectorNames[v];
      const vec = read(row, name);
      if (vec === undefined) throw new RowError(i, name, `missing vector field: ${name}`);
      const problem = writeVector(writers[v], vec, i);
      if (problem !== undefined) throw new RowError(i, name, problem);
    }

    for (let s = 0; s < scalarFields.length; s++) {
      const f = scalarFields[s];
      const raw = read(row, f.name);
      const stored = raw === undefined || raw === null ? absent(f, raw, i) : convert(f, raw, i);
      if (jsonFields[s]) checkJsonSize(stored, i, f.name);
      scalarColumns[s][i] = stored;
    }

    if (meta !== null) {
      const extra: Record<string, unknown> = {};
      let extraKeys = 0;
      for (const k in row) {
        if (schemaNames.has(k)) continue;
        if (k === DYNAMIC_FIELD) {
          throw new RowError(i, k, `use the invalid field name(${DYNAMIC_FIELD}) when enable dynamicField`);
        }
        setOwn(extra, k, row[k]);
        extraKeys++;
      }
      if (extraKeys > 0) checkJsonSize(extra, i, null);
      meta[i] = extra;
    } else {
      for (const k in row) {
        if (!schemaNames.has(k)) {
          throw new RowError(i, k, `has pass more field without dynamic schema, please check it (field ${k} is not in the schema)`);
        }
      }
    }
  }

  if (generateKeys) assignKeys(pk, pks, opts);
  const vectors: RowBatch['vectors'] = {};
  for (let v = 0; v < writers.length; v++) vectors[vectorNames[v]] = writers[v].column;
  const scalars: RowBatch['scalars'] = {};
  for (let s = 0; s < scalarFields.length; s++) scalars[scalarFields[s].name] = scalarColumns[s];
  if (meta !== null) scalars[DYNAMIC_FIELD] = meta;
  return { pks, partitions: new Array<number>(n).fill(opts.partitionId), vectors, scalars };
}

/**
 * 1100 (as Milvus's proxy answers) when a JSON field's value (or, for field null, the row's
 * dynamic fields) is over common.JSONMaxLength.
 */
function checkJsonSize(value: unknown, row: number, field: string | null): void {
  const bytes = oversizedJson(value);
  if (bytes !== null) {
    const what = field === null ? 'dynamic field' : `json field (${field})`;
    throw invalidParameter(`row ${row}: the length (${bytes}) of ${what} exceeds max length (${MAX_JSON_FIELD_BYTES})`);
  }
}

/**
 * The row's own value for `name`. JSON never holds functions, so a function is an inherited
 * Object.prototype member (a field called "constructor" or "toString") and means "absent".
 */
function read(row: Record<string, unknown>, name: string): unknown {
  const v = row[name];
  return typeof v === 'function' ? undefined : v;
}

function convert(f: FieldSchema, raw: unknown, row: number): unknown {
  try {
    return f.isPrimary ? toPrimaryKey(f, raw) : toScalar(f, raw);
  } catch (err) {
    if (err instanceof FieldValueError) throw new RowError(row, f.name, err.message);
    throw err;
  }
}

/** A missing or null value: the default, else null for a nullable field, else an error. */
function absent(f: FieldSchema, raw: undefined | null, row: number): unknown {
  if (f.defaultValue !== undefined) return f.defaultValue;
  if (f.nullable) return null;
  throw new RowError(row, f.name, raw === null ? `field ${f.name} is not nullable` : `field ${f.name} is required`);
}

function assignKeys(pk: FieldSchema, pks: PrimaryKey[], opts: ValidateRowsOptions): void {
  if (!opts.allocateIds) throw new Error(`collection with autoID primary key ${pk.name} needs allocateIds`);
  const ids = opts.allocateIds(pks.length);
  if (ids.length !== pks.length) {
    throw new Error(`allocateIds returned ${ids.length} ids for ${pks.length} rows`);
  }
  const text = pk.dataType === 'VarChar';
  for (let i = 0; i < ids.length; i++) pks[i] = text ? String(ids[i]) : ids[i];
}
