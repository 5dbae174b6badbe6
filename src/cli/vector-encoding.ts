/**
 * How `quiver import` sends FloatVector values: as JSON numbers (Milvus's form, which any Milvus
 * REST server takes) or as base64 of their little-endian float32 bytes (quiver's extension). The
 * server stores float32 either way, so both send the same vectors; base64 is ~4× smaller and
 * several times cheaper for both sides to encode and parse.
 */
import type { DescribedCollection } from './milvus-client.ts';

export const VECTOR_ENCODINGS = ['base64', 'numbers'] as const;
export type VectorEncoding = (typeof VECTOR_ENCODINGS)[number];

/**
 * A row transform for `encoding`: with `base64`, every FloatVector field whose value is an array
 * of numbers is replaced by base64 of those numbers as float32 (non-finite or out-of-range values
 * become NaN/±Infinity, which the server rejects as it rejects them in number form). Anything
 * else (other vector types, values that are not arrays of numbers) is sent unchanged, so the
 * server's answer to bad input is the same as without the encoding. Mutates and returns `row`.
 */
export function vectorEncoder(c: DescribedCollection, encoding: VectorEncoding): (row: Record<string, unknown>) => Record<string, unknown> {
  const fields = c.fields.filter((f) => f.type === 'FloatVector').map((f) => f.name);
  if (encoding === 'numbers' || fields.length === 0) return (row) => row;
  return (row) => {
    for (const name of fields) {
      const value = row[name];
      if (isNumberArray(value)) row[name] = float32Base64(value);
    }
    return row;
  };
}

function isNumberArray(value: unknown): value is number[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (const x of value) if (typeof x !== 'number') return false;
  return true;
}

/** Base64 of `values` as little-endian float32 (the form the server reads for FloatVector). */
export function float32Base64(values: ArrayLike<number>): string {
  const bytes = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) bytes.writeFloatLE(values[i], i * 4);
  return bytes.toString('base64');
}
