/**
 * Milvus data type and metric names as the REST API spells them, and which of them quiver
 * supports. Names are the protobuf enum names and are case-sensitive, as in Milvus.
 */

import { invalidParameter } from '../errors.ts';
import type { DataType, ElementType, MetricType, VectorType } from './types.ts';
import { SCALAR_TYPES, VECTOR_TYPES } from './types.ts';

/** Every name of Milvus's DataType enum; a name outside this list is "invalid". */
const MILVUS_TYPE_NAMES: ReadonlySet<string> = new Set([
  'None', 'Bool', 'Int8', 'Int16', 'Int32', 'Int64', 'Float', 'Double', 'String', 'VarChar',
  'Array', 'JSON', 'Geometry', 'Text', 'Timestamptz', 'BinaryVector', 'FloatVector',
  'Float16Vector', 'BFloat16Vector', 'SparseFloatVector', 'Int8Vector', 'ArrayOfVector',
  'ArrayOfStruct', 'Struct',
]);

const SUPPORTED: ReadonlySet<string> = new Set<string>([...SCALAR_TYPES, ...VECTOR_TYPES]);

const ELEMENT_TYPES: ReadonlySet<string> = new Set<ElementType>([
  'Bool', 'Int8', 'Int16', 'Int32', 'Int64', 'Float', 'Double', 'VarChar',
]);

/**
 * Parses a field's dataType. Throws 1100 with Milvus's wording for a name Milvus does not know
 * (the check is case-sensitive), and 1100 naming the field for a Milvus type quiver lacks.
 */
export function parseDataType(name: string, fieldName: string): DataType {
  if (!MILVUS_TYPE_NAMES.has(name)) {
    throw invalidParameter(`invalid parameter, data type ${name} is invalid(case sensitive).`);
  }
  if (!SUPPORTED.has(name)) {
    throw invalidParameter(`data type ${name} of field ${fieldName} is not supported`);
  }
  return name as DataType;
}

/** Parses an Array field's elementDataType; 1100 when missing, unknown or not a scalar. */
export function parseElementType(name: string | undefined, fieldName: string): ElementType {
  if (name === undefined || name === '' || !MILVUS_TYPE_NAMES.has(name)) {
    throw invalidParameter(
      `invalid parameter, element data type ${name ?? ''} is invalid(case sensitive).`,
    );
  }
  if (!ELEMENT_TYPES.has(name)) {
    throw invalidParameter(`element type ${name} of array field ${fieldName} is not supported`);
  }
  return name as ElementType;
}

/** Metrics each vector type can be indexed and searched with (first one is the default). */
export function metricsFor(t: VectorType): readonly MetricType[] {
  return t === 'BinaryVector' ? BINARY_METRICS : DENSE_METRICS;
}

const DENSE_METRICS: readonly MetricType[] = ['COSINE', 'IP', 'L2'];
const BINARY_METRICS: readonly MetricType[] = ['HAMMING', 'JACCARD'];

/**
 * Checks that `metric` (already a string) suits vectors of type `t`; 1100 otherwise. An empty
 * metric picks the type's default, as Milvus does since 2.4.
 */
export function parseMetric(metric: string | undefined, t: VectorType, fieldName: string): MetricType {
  const allowed = metricsFor(t);
  if (metric === undefined || metric === '') return allowed[0];
  const upper = metric.toUpperCase();
  if ((allowed as readonly string[]).includes(upper)) return upper as MetricType;
  throw invalidParameter(
    `metric type ${metric} is not supported for ${t} field ${fieldName}, supported: [${allowed.join(' ')}]`,
  );
}

/** Inclusive integer range of each fixed-width integer type quiver checks on input. */
export const INT_RANGES: Readonly<Record<'Int8' | 'Int16' | 'Int32', readonly [number, number]>> = {
  Int8: [-128, 127],
  Int16: [-32768, 32767],
  Int32: [-2147483648, 2147483647],
};

/** Largest VarChar max_length Milvus allows (proxy.maxVarCharLength). */
export const MAX_VARCHAR_LENGTH = 65535;
/** Largest Array max_capacity Milvus allows (proxy.maxArrayCapacity). */
export const MAX_ARRAY_CAPACITY = 4096;
/** Largest dense vector dimension Milvus allows (proxy.maxDimension); binary allows 8x bits. */
export const MAX_DIMENSION = 32768;
/** Most fields a collection may have (proxy.maxFieldNum). */
export const MAX_FIELDS = 64;
/** Most vector fields a collection may have (proxy.maxVectorFieldNum). */
export const MAX_VECTOR_FIELDS = 4;
