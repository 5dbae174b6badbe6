/**
 * Converting one JSON value to the stored form of a scalar field (also used for default values).
 *
 * Stored forms are JSON-compatible: Int* are JS integers (Int64 limited to the safe-integer range,
 * since quiver keeps every number as a double), Float is rounded to f32 like Milvus stores it,
 * VarChar is a string, JSON any JSON value and Array a plain array of converted elements.
 * Like Milvus's REST layer, quoted numbers and booleans are accepted, which lets a row read back
 * without Accept-Type-Allow-Int64 (Int64 as strings) be written again unchanged.
 */

import { INT_RANGES } from './data-types.ts';
import { MAX_JSON_FIELD_DEPTH, jsonShapeProblem } from './json-limits.ts';
import type { ElementType, FieldSchema, ScalarType } from './types.ts';

/** A value that does not fit its field. The caller adds row and field context to the message. */
export class FieldValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldValueError';
  }
}

const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const TRUE_TEXT: ReadonlySet<string> = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const FALSE_TEXT: ReadonlySet<string> = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);
/** Doubles at or beyond this magnitude round to ±Infinity as f32 (Go rejects them as float32). */
export const F32_OVERFLOW = 3.4028235677973366e38;

/** Converts `value` (not null/undefined) for a scalar field; throws FieldValueError. */
export function toScalar(field: FieldSchema, value: unknown): unknown {
  const t = field.dataType as ScalarType;
  if (t === 'Array') return toArray(field, value);
  if (t === 'JSON') return toJson(value);
  return toElement(t, value, field.maxLength);
}

/** Converts one value of a non-container type. */
export function toElement(t: ElementType, value: unknown, maxLength: number | undefined): unknown {
  switch (t) {
    case 'Bool':
      return toBool(value);
    case 'Int8':
    case 'Int16':
    case 'Int32':
      return toBoundedInt(t, value);
    case 'Int64':
      return toInt64(value);
    case 'Float': {
      const x = toFinite(value, 'Float');
      if (!(x < F32_OVERFLOW && x > -F32_OVERFLOW)) {
        throw new FieldValueError(`value ${describeValue(value)} is outside the Float (float32) range`);
      }
      return Math.fround(x);
    }
    case 'Double':
      return toFinite(value, 'Double');
    case 'VarChar':
      return toVarChar(value, maxLength);
  }
}

function toBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    if (TRUE_TEXT.has(value)) return true;
    if (FALSE_TEXT.has(value)) return false;
  }
  throw new FieldValueError(`value ${describeValue(value)} is not a Bool`);
}

function toBoundedInt(t: 'Int8' | 'Int16' | 'Int32', value: unknown): number {
  const [min, max] = INT_RANGES[t];
  let x: number;
  if (typeof value === 'number') x = value;
  else if (typeof value === 'string' && INTEGER_TEXT.test(value)) x = Number(value);
  else throw new FieldValueError(`value ${describeValue(value)} is not an integer (${t})`);
  if (!Number.isInteger(x) || x < min || x > max) {
    throw new FieldValueError(`value ${describeValue(value)} must be an integer in range [${min}, ${max}] (${t})`);
  }
  return x;
}

/**
 * Int64 as a JS number. Numbers must be safe integers: JSON.parse has already rounded anything
 * larger, so accepting it would store a different key than the client sent. Decimal strings are
 * exact and therefore checked on their digits.
 */
export function toInt64(value: unknown): number {
  let x: number;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) {
      throw new FieldValueError(`value ${describeValue(value)} is not an integer (Int64)`);
    }
    x = value;
  } else if (typeof value === 'string' && INTEGER_TEXT.test(value)) {
    x = Number(value);
  } else {
    throw new FieldValueError(`value ${describeValue(value)} is not an integer (Int64)`);
  }
  if (!Number.isSafeInteger(x)) {
    throw new FieldValueError(
      `Int64 value ${describeValue(value)} is outside the supported range ` +
        `[-9007199254740991, 9007199254740991] (integers beyond 2^53 cannot be stored exactly)`,
    );
  }
  return x;
}

function toFinite(value: unknown, t: 'Float' | 'Double'): number {
  let x = NaN;
  if (typeof value === 'number') x = value;
  else if (typeof value === 'string' && DECIMAL_TEXT.test(value)) x = Number(value);
  if (!Number.isFinite(x)) throw new FieldValueError(`value ${describeValue(value)} is not a finite number (${t})`);
  return x;
}

/** VarChar: a string (numbers and booleans are taken as their text, as Milvus does). */
export function toVarChar(value: unknown, maxLength: number | undefined): string {
  let s: string;
  if (typeof value === 'string') s = value;
  else if (typeof value === 'number' || typeof value === 'boolean') s = String(value);
  else throw new FieldValueError(`value ${describeValue(value)} is not a string (VarChar)`);
  if (maxLength !== undefined && s.length > maxLength) {
    // UTF-16 length bounds the character count from above; count code points only when needed.
    const chars = codePointCount(s);
    if (chars > maxLength) {
      throw new FieldValueError(
        `the length (${chars}) of the string exceeds max_length (${maxLength})`,
      );
    }
  }
  return s;
}

function codePointCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is a single character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/**
 * JSON: any JSON value. A string that is itself a JSON document is decoded, as Milvus does by
 * default; that is also the form JSON fields are returned in, so rows round-trip.
 */
function toJson(value: unknown): unknown {
  if (typeof value === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value) as unknown;
    } catch {
      return value;
    }
    // Nesting inside the text escaped the request body's depth check.
    if (jsonShapeProblem(parsed, { maxDepth: MAX_JSON_FIELD_DEPTH }) !== null) {
      throw new FieldValueError(`JSON value nests deeper than ${MAX_JSON_FIELD_DEPTH} levels`);
    }
    return parsed;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new FieldValueError(`value ${describeValue(value)} is not valid JSON`);
  }
  return value;
}

function toArray(field: FieldSchema, value: unknown): unknown[] {
  if (!Array.isArray(value)) {
    throw new FieldValueError(`value ${describeValue(value)} is not an array`);
  }
  const cap = field.maxCapacity;
  if (cap !== undefined && value.length > cap) {
    throw new FieldValueError(
      `the number of elements (${value.length}) exceeds max_capacity (${cap})`,
    );
  }
  const t = field.elementType as ElementType;
  const out = new Array<unknown>(value.length);
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (v === null || v === undefined) {
      throw new FieldValueError(`element ${i} is null; an array element cannot be null`);
    }
    try {
      out[i] = toElement(t, v, field.maxLength);
    } catch (err) {
      if (err instanceof FieldValueError) throw new FieldValueError(`element ${i}: ${err.message}`);
      throw err;
    }
  }
  return out;
}

/** Short rendering of a client value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return 'an object';
}

/**
 * Sets an own property, also for the key "__proto__" (which JSON.parse yields as an ordinary
 * key but plain assignment would treat as the prototype).
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
