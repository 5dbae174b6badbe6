/**
 * A bounded LRU of compiled filters. Clients repeat the same filters (paging through a query,
 * deleting by the same expression, searches with one filter and many vectors), so parsing and
 * checking once per (expression, schema, params) saves work on every such request. Errors are
 * remembered too, as Milvus does, so a bad filter sent in a loop is rejected cheaply.
 */
import { QuiverError } from '../errors.ts';
import type { CollectionInfo } from '../schema/types.ts';
import { DEFAULT_MAX_FILTER_LENGTH, compileFilter, type CompiledFilter } from './filter.ts';

export interface FilterCacheOptions {
  /** Most entries kept; the least recently used is dropped first. Default 512. */
  capacity?: number;
  /**
   * Expressions longer than this are compiled but not cached: they are typically one-off
   * `pk in [...]` lists that would only push useful entries out. Default 16 KiB.
   */
  maxExprLength?: number;
  /** Longest expression accepted at all (1100 beyond); default DEFAULT_MAX_FILTER_LENGTH. */
  maxFilterLength?: number;
}

type Entry = CompiledFilter | QuiverError;

/**
 * Identifies a schema version: the collection id plus everything about fields that changes how
 * a filter resolves, so adding a field or toggling dynamic fields invalidates old entries.
 */
function schemaKey(c: CollectionInfo): string {
  const fields = c.fields.map((f) => `${f.name}:${f.dataType}:${f.elementType ?? ''}:${f.isPrimary ? 1 : 0}`);
  return `${c.id}@${c.createdAt}/${c.enableDynamicField ? 1 : 0}/${fields.join(',')}`;
}

/** Compiles filters through a small LRU owned by this object. */
export class FilterCache {
  private readonly entries = new Map<string, Entry>();
  private readonly capacity: number;
  private readonly maxExprLength: number;
  private readonly maxFilterLength: number;

  constructor(options: FilterCacheOptions = {}) {
    this.capacity = Math.max(1, options.capacity ?? 512);
    this.maxExprLength = options.maxExprLength ?? 16 * 1024;
    this.maxFilterLength = options.maxFilterLength ?? DEFAULT_MAX_FILTER_LENGTH;
  }

  /** Number of cached entries. */
  get size(): number {
    return this.entries.size;
  }

  /** Drops every entry. */
  clear(): void {
    this.entries.clear();
  }

  /** Same contract as compileFilter, served from the cache when possible. */
  compile(expr: string, collection: CollectionInfo, exprParams?: Record<string, unknown>): CompiledFilter {
    const key = this.keyOf(expr, collection, exprParams);
    if (key === null) return compileFilter(expr, collection, exprParams, this.maxFilterLength);
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Re-insert to mark as most recently used (Map iterates in insertion order).
      this.entries.delete(key);
      this.entries.set(key, hit);
      if (hit instanceof QuiverError) throw new QuiverError(hit.code, hit.message);
      return hit;
    }
    try {
      const compiled = compileFilter(expr, collection, exprParams, this.maxFilterLength);
      this.remember(key, compiled);
      return compiled;
    } catch (e) {
      if (e instanceof QuiverError) this.remember(key, e);
      throw e;
    }
  }

  private keyOf(expr: string, collection: CollectionInfo, exprParams?: Record<string, unknown>): string | null {
    if (expr.length > this.maxExprLength) return null;
    let params: string;
    try {
      params = exprParams === undefined ? '' : JSON.stringify(exprParams);
    } catch {
      return null; // not serialisable (e.g. a BigInt): compile without caching
    }
    return `${schemaKey(collection)}\u0000${params}\u0000${expr}`;
  }

  private remember(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}
