/**
 * Milvus key/value properties (collections, databases, indexes). Clients send them as a JSON
 * object whose values may be numbers, booleans or strings; Milvus stores every value as a string
 * (Go's fmt.Sprint), so quiver does the same. A few keys have a checked format.
 */
import { invalidParameter } from '../../shared/errors.ts';
import type { KeyValue } from '../../shared/schema/describe.ts';

/** Collection property holding the time-to-live of rows, seconds (0 = no expiry). */
export const TTL_PROPERTY = 'collection.ttl.seconds';

/** The string Milvus stores for a property value: strings as they are, objects JSON-encoded. */
export function propertyValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Converts a request's `properties` object to stored strings. */
export function toStringProperties(properties: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(properties ?? {})) out[key] = propertyValue(value);
  return out;
}

/** 1100 unless the collection properties hold valid values for the keys quiver interprets. */
export function validateCollectionProperties(props: Record<string, string>): void {
  const ttl = props[TTL_PROPERTY];
  if (ttl !== undefined && !/^\d+$/.test(ttl.trim())) {
    throw invalidParameter(`invalid ttl value: ${ttl}, ${TTL_PROPERTY} must be a non-negative integer`);
  }
  if (ttl !== undefined) props[TTL_PROPERTY] = String(Number(ttl.trim()));
}

/** `base` with `changes` applied (changed keys replaced, new keys added). */
export function mergeProperties(base: Record<string, string>, changes: Record<string, string>): Record<string, string> {
  return { ...base, ...changes };
}

/** `base` without `keys` (absent keys are ignored, as in Milvus). */
export function withoutKeys(base: Record<string, string>, keys: readonly string[]): Record<string, string> {
  const out = { ...base };
  for (const key of keys) delete out[key];
  return out;
}

/** Properties in Milvus's describe form: [{key, value}]. */
export function keyValueList(props: Record<string, string>): KeyValue[] {
  return Object.entries(props).map(([key, value]) => ({ key, value }));
}
