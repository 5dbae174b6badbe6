/**
 * Index management on a collection's catalog entry: create (vector indexes through the schema
 * module, scalar ones recorded for describe), drop, and the index properties Milvus lets clients
 * alter. Every change is one catalog update, retried on conflict by the catalog.
 */
import { ErrorCode, QuiverError, invalidParameter } from '../../shared/errors.ts';
import type { IndexParamRequest } from '../../shared/schema/create-request.ts';
import { buildIndexSpecs } from '../../shared/schema/index-spec.ts';
import type { CollectionInfo, IndexSpec } from '../../shared/schema/types.ts';
import { vectorFields } from '../../shared/schema/types.ts';
import type { ProxyServices } from '../services.ts';
import { isScalarIndex, scalarIndexSpecs } from './scalar-index.ts';

/** Index parameters that define how an index is built; they cannot be altered afterwards. */
const BUILD_KEYS: ReadonlySet<string> = new Set(['index_type', 'metric_type', 'M', 'efConstruction', 'quantization']);

/** 700, worded like Milvus. */
export function indexNotFound(indexName: string): QuiverError {
  return new QuiverError(ErrorCode.IndexNotFound, `index not found[indexName=${indexName}]`);
}

/** The spec named `indexName`, else 700. */
export function requireIndex(c: CollectionInfo, indexName: string): IndexSpec {
  const spec = c.indexes.find((x) => x.indexName === indexName);
  if (!spec) throw indexNotFound(indexName);
  return spec;
}

/** The indexes of `c` plus the ones `requests` add (validated; identical re-creates are no-ops). */
export function withNewIndexes(c: CollectionInfo, requests: readonly IndexParamRequest[]): IndexSpec[] {
  const built = buildIndexSpecs(c.fields, requests, c.indexes);
  const scalar = scalarIndexSpecs(c.fields, built.ignored, [...c.indexes, ...built.indexes]);
  return [...c.indexes, ...built.indexes, ...scalar];
}

/** Adds indexes to the collection (indexes/create). */
export async function createIndexes(
  s: ProxyServices,
  c: CollectionInfo,
  requests: readonly IndexParamRequest[],
): Promise<CollectionInfo> {
  withNewIndexes(c, requests); // validate before writing anything
  return s.catalog.updateCollection(c.dbName, c.name, (cur) => ({ ...cur, indexes: withNewIndexes(cur, requests) }));
}

/**
 * Drops an index (indexes/drop). Like Milvus: dropping an index that does not exist succeeds, and
 * the vector index of a loaded collection cannot be dropped until the collection is released.
 */
export async function dropIndex(s: ProxyServices, c: CollectionInfo, indexName: string): Promise<void> {
  const spec = c.indexes.find((x) => x.indexName === indexName);
  if (!spec) return;
  if (c.loaded && !isScalarIndex(spec, c.fields)) {
    throw new QuiverError(ErrorCode.Unexpected, 'index cannot be dropped, collection is loaded, please release it first');
  }
  await s.catalog.updateCollection(c.dbName, c.name, (cur) => ({
    ...cur,
    indexes: cur.indexes.filter((x) => x.indexName !== indexName),
  }));
}

/**
 * Sets (values given) or removes (`drop` keys) index properties such as mmap.enabled. They are
 * kept with the index parameters and shown by describe; build settings cannot change (1100).
 */
export async function changeIndexProperties(
  s: ProxyServices,
  c: CollectionInfo,
  indexName: string,
  set: Record<string, string>,
  drop: readonly string[],
): Promise<void> {
  requireIndex(c, indexName);
  for (const key of [...Object.keys(set), ...drop]) {
    if (BUILD_KEYS.has(key)) throw invalidParameter(`index property ${key} cannot be altered`);
  }
  await s.catalog.updateCollection(c.dbName, c.name, (cur) => ({
    ...cur,
    indexes: cur.indexes.map((x) => {
      if (x.indexName !== indexName) return x;
      const params: Record<string, string | number> = { ...x.params, ...set };
      for (const key of drop) delete params[key];
      return { ...x, params };
    }),
  }));
}

/** Vector fields of `c` that have no index; Milvus refuses to load such a collection. */
export function unindexedVectorFields(c: CollectionInfo): string[] {
  return vectorFields(c)
    .filter((f) => !c.indexes.some((x) => x.fieldName === f.name))
    .map((f) => f.name);
}
