/**
 * Size and shape limits of JSON values: how deep arrays and objects nest, how long strings are,
 * and the stored size of JSON fields. Deep nesting is refused early because code further on
 * (serialisation, encoding, filters over JSON paths) recurses and would overflow the stack.
 */

/** Milvus's common.JSONMaxLength: largest JSON field or dynamic-field value, bytes. */
export const MAX_JSON_FIELD_BYTES = 65_536;
/** Deepest nesting accepted inside a JSON field value sent as JSON text. */
export const MAX_JSON_FIELD_DEPTH = 64;

export interface JsonShapeLimits {
  /** Deepest nesting; the outermost array or object is level 1. */
  maxDepth: number;
  /** Longest string value or object key, characters; unchecked when absent. */
  maxStringLength?: number;
}

export type JsonShapeProblem = { kind: 'depth'; maxDepth: number } | { kind: 'string'; length: number; maxLength: number };

/**
 * The first limit `value` breaks, or null. Visits each node at most once and stops descending at
 * the depth limit, so it cannot overflow the stack itself; arrays of numbers (vectors) cost one
 * type test per element.
 */
export function jsonShapeProblem(value: unknown, limits: JsonShapeLimits): JsonShapeProblem | null {
  return visit(value, 0, limits.maxDepth, limits.maxStringLength ?? Infinity);
}

function visit(value: unknown, depth: number, maxDepth: number, maxString: number): JsonShapeProblem | null {
  if (typeof value === 'string') {
    return value.length > maxString ? { kind: 'string', length: value.length, maxLength: maxString } : null;
  }
  if (typeof value !== 'object' || value === null) return null;
  if (depth >= maxDepth) return { kind: 'depth', maxDepth };
  if (Array.isArray(value)) {
    if (onlyNumbers(value)) return null;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'object' || typeof v === 'string') {
        const p = visit(v, depth + 1, maxDepth, maxString);
        if (p) return p;
      }
    }
    return null;
  }
  const obj = value as Record<string, unknown>;
  for (const key in obj) {
    if (key.length > maxString) return { kind: 'string', length: key.length, maxLength: maxString };
    const v = obj[key];
    if (typeof v === 'object' || typeof v === 'string') {
      const p = visit(v, depth + 1, maxDepth, maxString);
      if (p) return p;
    }
  }
  return null;
}

/**
 * True when every element is a number: vectors, the bulk of large bodies. Kept as its own small
 * loop so the engine runs it over unboxed doubles, about 50 times faster than the general walk.
 */
function onlyNumbers(a: unknown[]): boolean {
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'number') return false;
  return true;
}

/** Number of UTF-8 bytes of `s` (without allocating an encoded copy). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4; // a surrogate pair is one 4-byte character
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * The size in bytes of `value`'s JSON text (UTF-8) when it is over `maxBytes`, else null. Only
 * strings, arrays and objects can be large; the exact count is taken only when the text could
 * be over the limit.
 */
export function oversizedJson(value: unknown, maxBytes = MAX_JSON_FIELD_BYTES): number | null {
  if (typeof value === 'string') {
    if (value.length * 3 + 2 <= maxBytes) return null;
    const n = utf8Length(JSON.stringify(value));
    return n > maxBytes ? n : null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const text = JSON.stringify(value);
  if (text.length * 3 <= maxBytes) return null;
  const n = utf8Length(text);
  return n > maxBytes ? n : null;
}
