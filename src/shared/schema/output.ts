/**
 * Stored rows back to Milvus REST JSON rows (query, get, search), and outputFields resolution.
 *
 * Value shapes follow Milvus's REST layer:
 * - Int64 (primary key, Int64 fields, Int64 array elements) as strings, or numbers when the
 *   client sent `Accept-Type-Allow-Int64: true`.
 * - Float and FloatVector values as the shortest decimal that reads back as the same float32
 *   (Go writes float32 that way), so 0.1 comes back as 0.1, not 0.10000000149011612.
 * - Float16Vector, BFloat16Vector and BinaryVector as base64 of the raw bytes (Go's []byte).
 * - Int8Vector as an array of integers.
 * - JSON fields as the text of the document (Milvus's default), or the document itself with
 *   `jsonAsObject`; dynamic keys are flattened into the row as values.
 */

import { invalidParameter } from '../errors.ts';
import { encodeBase64 } from './base64.ts';
import { f32Bits, f32ToHalfBytes } from './float16.ts';
import { formatPrimaryKey } from './primary-keys.ts';
import { setOwn } from './scalar-values.ts';
import type { CollectionInfo, FieldSchema, PrimaryKey, RowBatch } from './types.ts';
import { DYNAMIC_FIELD, isVectorType, primaryField } from './types.ts';

/** Which parts of a row to emit; build it once per request with resolveOutputFields. */
export interface OutputPlan {
  pk: FieldSchema;
  /** Schema fields other than the primary key, in schema order. */
  fields: FieldSchema[];
  /** Dynamic keys: every key ('all'), these keys, or none (null). */
  dynamic: 'all' | string[] | null;
}

/** Per-request output switches. */
export interface FormatOptions {
  /** True when the request carried `Accept-Type-Allow-Int64: true`. */
  int64AsNumber: boolean;
  /** Return JSON fields as documents instead of their text. Default false, as Milvus. */
  jsonAsObject?: boolean;
}

/** Columns to read rows from: a RowBatch or any segment data of the same shape. */
export type RowSource = Pick<RowBatch, 'pks' | 'vectors' | 'scalars'>;

/**
 * Resolves a request's outputFields. `*` means every field (vectors included) plus every dynamic
 * key, `$meta` every dynamic key; another name that is not a field is a dynamic key when dynamic
 * fields are on, else 1100 `field <name> not exist`. Omitted or empty: `*` for query/get, only
 * the primary key for search (which adds `distance` itself). The primary key is always emitted.
 * `count(*)` is not a field: the query path must answer it before resolving fields.
 */
export function resolveOutputFields(
  c: CollectionInfo,
  outputFields: readonly string[] | undefined,
  kind: 'query' | 'search' = 'query',
): OutputPlan {
  const pk = primaryField(c);
  const names = outputFields && outputFields.length > 0 ? outputFields : kind === 'query' ? ['*'] : [];
  const wanted = new Set<string>();
  let dynamic: 'all' | string[] | null = null;
  for (const raw of names) {
    const name = raw.trim();
    if (name === '*') {
      for (const f of c.fields) wanted.add(f.name);
      if (c.enableDynamicField) dynamic = 'all';
    } else if (c.fields.some((f) => f.name === name)) {
      wanted.add(name);
    } else if (c.enableDynamicField) {
      if (name === DYNAMIC_FIELD) dynamic = 'all';
      else if (dynamic === null) dynamic = [name];
      else if (dynamic !== 'all' && !dynamic.includes(name)) dynamic.push(name);
    } else {
      throw invalidParameter(`field ${name} not exist`);
    }
  }
  return { pk, fields: c.fields.filter((f) => !f.isPrimary && wanted.has(f.name)), dynamic };
}

/** Formats the rows at `indices` of `source`. `outputFields` may be a resolved plan. */
export function formatRows(
  c: CollectionInfo,
  source: RowSource,
  indices: ArrayLike<number>,
  outputFields: OutputPlan | readonly string[] | undefined,
  opts: FormatOptions,
): Record<string, unknown>[] {
  const plan = isPlan(outputFields) ? outputFields : resolveOutputFields(c, outputFields);
  const out = new Array<Record<string, unknown>>(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = formatRow(plan, source, indices[i], opts);
  return out;
}

/** Formats row number `index` of `source` according to `plan`. */
export function formatRow(
  plan: OutputPlan,
  source: RowSource,
  index: number,
  opts: FormatOptions,
): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  row[plan.pk.name] = formatPrimaryKey(source.pks[index] as PrimaryKey, opts.int64AsNumber);
  for (const f of plan.fields) {
    if (isVectorType(f.dataType)) row[f.name] = formatVector(f, source, index);
    else row[f.name] = formatScalar(f, source.scalars[f.name]?.[index], opts);
  }
  if (plan.dynamic !== null) {
    const meta = source.scalars[DYNAMIC_FIELD]?.[index] as Record<string, unknown> | null | undefined;
    if (meta) {
      const keys = plan.dynamic === 'all' ? Object.keys(meta) : plan.dynamic;
      for (const key of keys) if (Object.hasOwn(meta, key)) setOwn(row, key, meta[key]);
    }
  }
  return row;
}

/** A stored scalar value as Milvus returns it (null stays null). */
export function formatScalar(f: FieldSchema, value: unknown, opts: FormatOptions): unknown {
  if (value === null || value === undefined) return null;
  switch (f.dataType) {
    case 'Int64':
      return opts.int64AsNumber ? value : String(value);
    case 'Float':
      return shortestFloat32(value as number);
    case 'JSON':
      return opts.jsonAsObject ? value : JSON.stringify(value);
    case 'Array': {
      const items = value as unknown[];
      if (f.elementType === 'Int64' && !opts.int64AsNumber) return items.map((x) => String(x));
      if (f.elementType === 'Float') return items.map((x) => shortestFloat32(x as number));
      return items;
    }
    default:
      return value;
  }
}

/** Vector number `index` of field `f` in `source`, in Milvus's REST shape. */
export function formatVector(f: FieldSchema, source: RowSource, index: number): unknown {
  const col = source.vectors[f.name];
  if (!col) return null;
  const dim = col.dim;
  switch (f.dataType) {
    case 'FloatVector': {
      const data = col.data as Float32Array;
      const out = new Array<number>(dim);
      for (let j = 0, o = index * dim; j < dim; j++) out[j] = shortestFloat32(data[o + j]);
      return out;
    }
    case 'Float16Vector':
    case 'BFloat16Vector': {
      const format = f.dataType === 'Float16Vector' ? 'f16' : 'bf16';
      return encodeBase64(f32ToHalfBytes(f32Bits(col.data as Float32Array), index * dim, dim, format));
    }
    case 'BinaryVector': {
      const n = dim >>> 3;
      return encodeBase64((col.data as Uint8Array).subarray(index * n, (index + 1) * n));
    }
    default:
      return Array.from((col.data as Int8Array).subarray(index * dim, (index + 1) * dim));
  }
}

/** Powers of ten that doubles hold exactly (10^0 .. 10^22). */
const EXACT_POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * The shortest decimal (as a number) that reads back as the same float32 as `x`, like Go's
 * strconv.FormatFloat(x, 'g', -1, 32). `x` must already be a float32 value.
 */
export function shortestFloat32(x: number): number {
  if (!Number.isFinite(x) || (Number.isInteger(x) && Math.abs(x) < 16777216)) return x;
  // Nine significant digits always identify a float32; binary-search the fewest that do.
  const e = Math.floor(Math.log10(Math.abs(x)));
  let lo = 1;
  let hi = 9;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Math.fround(roundToDigits(x, mid, e)) === x) hi = mid;
    else lo = mid + 1;
  }
  const r = roundToDigits(x, lo, e);
  // log10 can be one off next to a power of ten; text is exact where the estimate fell short.
  return Math.fround(r) === x ? r : Number(x.toPrecision(9));
}

/**
 * The double nearest to `x` rounded to `digits` significant decimal digits; `e` is about
 * floor(log10(|x|)). Scaling by an exact power of ten keeps the result the correctly rounded
 * double of that decimal (one rounding step); outside that range it goes through text.
 */
function roundToDigits(x: number, digits: number, e: number): number {
  const s = digits - 1 - e;
  if (s >= 0 && s <= 22) return Math.round(x * EXACT_POW10[s]) / EXACT_POW10[s];
  if (s < 0 && s >= -22) return Math.round(x / EXACT_POW10[-s]) * EXACT_POW10[-s];
  return Number(x.toPrecision(digits));
}

function isPlan(v: OutputPlan | readonly string[] | undefined): v is OutputPlan {
  return v !== undefined && !Array.isArray(v) && typeof (v as OutputPlan).pk === 'object';
}
