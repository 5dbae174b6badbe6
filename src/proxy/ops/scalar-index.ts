/**
 * Indexes on scalar fields (INVERTED, STL_SORT, Trie, ...). quiver filters by scanning columns,
 * so nothing is built for them, but Milvus clients create them and expect to see them again in
 * describe and list. They are recorded in CollectionInfo.indexes like vector indexes, with
 * indexType FLAT (nothing to build — the indexer skips FLAT entries), the Milvus type name in
 * requestedIndexType (what describe reports) and an empty metric type, as Milvus reports for
 * scalar indexes.
 */
import { invalidParameter } from '../../shared/errors.ts';
import type { IndexParamRequest } from '../../shared/schema/create-request.ts';
import type { FieldSchema, IndexSpec, MetricType } from '../../shared/schema/types.ts';
import { isVectorType } from '../../shared/schema/types.ts';
import { propertyValue } from './properties.ts';

/** Keys of an index request's params that describe the index itself, not a parameter. */
const CONTROL_KEYS: ReadonlySet<string> = new Set(['index_type', 'metric_type']);

/** True when the spec is a recorded scalar-field index (nothing built). */
export function isScalarIndex(spec: IndexSpec, fields: readonly FieldSchema[]): boolean {
  const field = fields.find((f) => f.name === spec.fieldName);
  return field !== undefined && !isVectorType(field.dataType);
}

/**
 * Specs for scalar index requests already validated by the schema module (buildIndexSpecs lists
 * them as `ignored`). Re-creating an identical index is a no-op; a second, different index on a
 * field or a name used on another field answers 1100, as for vector indexes.
 */
export function scalarIndexSpecs(
  fields: readonly FieldSchema[],
  requests: readonly IndexParamRequest[],
  existing: readonly IndexSpec[],
): IndexSpec[] {
  const out: IndexSpec[] = [];
  for (const req of requests) {
    const field = fields.find((f) => f.name === req.fieldName);
    if (!field) continue;
    const params = req.params ?? {};
    const typeName = (req.indexType || propertyValue(params.index_type) || 'AUTOINDEX').toUpperCase();
    const spec: IndexSpec = {
      indexName: req.indexName || field.name,
      fieldName: field.name,
      indexType: 'FLAT',
      metricType: '' as MetricType,
      params: {},
      requestedIndexType: typeName,
    };
    for (const [key, value] of Object.entries(params)) {
      if (!CONTROL_KEYS.has(key) && value !== undefined && value !== null) spec.params[key] = propertyValue(value);
    }
    const all = [...existing, ...out];
    const same = all.find((x) => x.fieldName === field.name);
    if (same) {
      if (same.indexName === spec.indexName && same.requestedIndexType === spec.requestedIndexType) continue;
      throw invalidParameter(
        `at most one distinct index is allowed per field, field ${field.name} already has index ${same.indexName}`,
      );
    }
    if (all.some((x) => x.indexName === spec.indexName)) {
      throw invalidParameter(`index name ${spec.indexName} already exists on another field`);
    }
    out.push(spec);
  }
  return out;
}
