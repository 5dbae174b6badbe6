/**
 * Reading client vectors (insert rows and search data use the same JSON forms) into VectorColumns.
 *
 * Accepted forms, as Milvus accepts them:
 * - FloatVector: an array of `dim` finite numbers within the float32 range, or (quiver's
 *   extension, the form Float16 vectors already take) base64 of the raw little-endian float32
 *   values (4*dim bytes). Parsing ~2.5 KB of decimal text per 128-d vector is most of a proxy's
 *   ingest cost; as base64 it is 684 characters, and parsing plus validating a row is ~7× faster.
 * - Float16Vector / BFloat16Vector: an array of `dim` numbers (rounded to the 16-bit format, ties
 *   to even) or base64 of the raw little-endian 16-bit values (2*dim bytes); widened to f32.
 * - BinaryVector: base64 of dim/8 bytes, or an array of dim/8 integers 0..255.
 * - Int8Vector: an array of `dim` integers -128..127.
 * Anything else (null, text of an array, NaN spelled as a string) is rejected.
 *
 * This runs once per vector component on every insert, so the copy loops allocate nothing and
 * failures are reported as a returned message instead of closures or exceptions.
 */

import { decodeBase64 } from './base64.ts';
import { f32Bits, halfBytesToF32, roundToHalfInPlace, type HalfFormat } from './float16.ts';
import { FieldValueError, describeValue } from './scalar-values.ts';
import type { FieldSchema, VectorColumn, VectorType } from './types.ts';
import { vectorKind } from './types.ts';

/**
 * Doubles at or beyond this magnitude round to ±Infinity as f32. Kept local rather than imported:
 * the copy loop reads it per component, and some module loaders turn imports into getters.
 */
const F32_LIMIT = 3.4028235677973366e38;

/** A column being filled, with the f32 bit view the 16-bit formats need (made once). */
export interface VectorWriter {
  readonly type: VectorType;
  readonly dim: number;
  readonly column: VectorColumn;
  readonly bits: Uint32Array | null;
}

/** Allocates a column for `rows` vectors of `field` (zero-filled) and its writer. */
export function vectorWriter(field: FieldSchema, rows: number): VectorWriter {
  const type = field.dataType as VectorType;
  const dim = field.dim ?? 0;
  const kind = vectorKind(type);
  let column: VectorColumn;
  if (kind === 'f32') column = { kind, dim, data: new Float32Array(rows * dim) };
  else if (kind === 'i8') column = { kind, dim, data: new Int8Array(rows * dim) };
  else column = { kind, dim, data: new Uint8Array((rows * dim) >>> 3) };
  const half = type === 'Float16Vector' || type === 'BFloat16Vector';
  return { type, dim, column, bits: half ? f32Bits(column.data as Float32Array) : null };
}

/**
 * Writes `value` as vector number `row` of the writer's column. Returns undefined on success,
 * else a message saying what is wrong (the caller adds row and field).
 */
export function writeVector(w: VectorWriter, value: unknown, row: number): string | undefined {
  switch (w.type) {
    case 'FloatVector':
      return writeFloats(w.column.data as Float32Array, row * w.dim, w.dim, value);
    case 'Float16Vector':
      return writeHalf(w, value, row, 'f16');
    case 'BFloat16Vector':
      return writeHalf(w, value, row, 'bf16');
    case 'BinaryVector':
      return writeBinary(w.column.data as Uint8Array, row * (w.dim >>> 3), w.dim, value);
    case 'Int8Vector':
      return writeInt8(w.column.data as Int8Array, row * w.dim, w.dim, value);
  }
}

/**
 * Parses one vector (e.g. a search query) of `field`'s type. Throws FieldValueError when the
 * value does not fit; the caller chooses the error code.
 */
export function parseVector(field: FieldSchema, value: unknown): VectorColumn['data'] {
  const w = vectorWriter(field, 1);
  const problem = writeVector(w, value, 0);
  if (problem !== undefined) throw new FieldValueError(problem);
  return w.column.data;
}

function writeFloats(data: Float32Array, off: number, dim: number, value: unknown): string | undefined {
  if (typeof value === 'string') return writeFloatBytes(data, off, dim, value);
  if (!Array.isArray(value)) return notAVector(value, 'an array of numbers');
  if (value.length !== dim) return dimMismatch(dim, value.length);
  for (let j = 0; j < dim; j++) {
    const x: unknown = value[j];
    // One pair of comparisons rejects NaN, ±Infinity and values that overflow float32.
    if (typeof x !== 'number' || !(x < F32_LIMIT && x > -F32_LIMIT)) {
      return `element ${j} (${describeValue(x)}) is not a finite float32 number`;
    }
    data[off + j] = x;
  }
  return undefined;
}

/** FloatVector given as base64 of little-endian float32 values. */
function writeFloatBytes(data: Float32Array, off: number, dim: number, text: string): string | undefined {
  const bytes = decodeBase64(text);
  if (bytes === null) return 'value is not an array of numbers nor valid base64 of little-endian float32 bytes';
  if (bytes.length !== 4 * dim) {
    return `dimension mismatch: expected ${4 * dim} bytes (dim ${dim}) but base64 holds ${bytes.length}`;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let j = 0; j < dim; j++) {
    const x = view.getFloat32(4 * j, true);
    if (!Number.isFinite(x)) return `element ${j} is not a finite float32 number`;
    data[off + j] = x;
  }
  return undefined;
}

function writeHalf(w: VectorWriter, value: unknown, row: number, format: HalfFormat): string | undefined {
  const off = row * w.dim;
  const bits = w.bits as Uint32Array;
  const name = format === 'f16' ? 'Float16' : 'BFloat16';
  if (typeof value === 'string') {
    const bytes = decodeBase64(value);
    if (bytes === null) return `value is not valid base64 of ${name} bytes`;
    if (bytes.length !== 2 * w.dim) {
      return `dimension mismatch: expected ${2 * w.dim} bytes (dim ${w.dim}) but base64 holds ${bytes.length}`;
    }
    const bad = halfBytesToF32(bytes, w.dim, bits, off, format);
    return bad < 0 ? undefined : `element ${bad} is not a finite ${name} value`;
  }
  const problem = writeFloats(w.column.data as Float32Array, off, w.dim, value);
  if (problem !== undefined) return problem;
  const bad = roundToHalfInPlace(bits, off, off + w.dim, format);
  return bad < 0 ? undefined : `element ${bad - off} overflows the ${name} range`;
}

function writeBinary(data: Uint8Array, off: number, dim: number, value: unknown): string | undefined {
  const n = dim >>> 3;
  if (typeof value === 'string') {
    const bytes = decodeBase64(value);
    if (bytes === null) return 'value is not valid base64 of BinaryVector bytes';
    if (bytes.length !== n) {
      return `dimension mismatch: expected ${n} bytes (dim ${dim}) but base64 holds ${bytes.length}`;
    }
    data.set(bytes, off);
    return undefined;
  }
  if (!Array.isArray(value)) return notAVector(value, 'base64 or an array of bytes');
  if (value.length !== n) {
    return `dimension mismatch: expected ${n} bytes (dim ${dim}) but got ${value.length}`;
  }
  for (let j = 0; j < n; j++) {
    const x: unknown = value[j];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 255) {
      return `element ${j} (${describeValue(x)}) is not a byte (integer 0..255)`;
    }
    data[off + j] = x;
  }
  return undefined;
}

function writeInt8(data: Int8Array, off: number, dim: number, value: unknown): string | undefined {
  if (!Array.isArray(value)) return notAVector(value, 'an array of integers');
  if (value.length !== dim) return dimMismatch(dim, value.length);
  for (let j = 0; j < dim; j++) {
    const x: unknown = value[j];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < -128 || x > 127) {
      return `element ${j} (${describeValue(x)}) is not an integer in range [-128, 127]`;
    }
    data[off + j] = x;
  }
  return undefined;
}

function dimMismatch(dim: number, got: number): string {
  return `dimension mismatch: expected ${dim} values but got ${got}`;
}

function notAVector(value: unknown, expected: string): string {
  if (value === null) return 'a vector cannot be null';
  return `expected a vector (${expected}), got ${describeValue(value)}`;
}
