/**
 * Turning `schema.fields` entries of a create request into FieldSchemas, with the checks Milvus
 * makes at create time (per field here, across fields in checkFieldSet). Every failure is a
 * QuiverError 1100 naming the field.
 */

import { invalidParameter } from '../errors.ts';
import type { FieldSchemaRequest } from './create-request.ts';
import {
  MAX_ARRAY_CAPACITY, MAX_DIMENSION, MAX_FIELDS, MAX_VARCHAR_LENGTH, MAX_VECTOR_FIELDS,
  parseDataType, parseElementType,
} from './data-types.ts';
import { validateFieldName } from './names.ts';
import { FieldValueError, toElement } from './scalar-values.ts';
import type { DataType, ElementType, FieldSchema } from './types.ts';
import { isVectorType } from './types.ts';

/** Milvus numbers user fields from 100 in schema order. */
export const FIRST_FIELD_ID = 100;

const INTEGER_TEXT = /^[+-]?\d+$/;

/**
 * Builds field number `index` (0-based) of a custom schema. `autoID` is schema.autoID, which
 * Milvus applies to the primary field.
 */
export function buildField(
  req: FieldSchemaRequest,
  index: number,
  collectionName: string,
  autoID: boolean,
): FieldSchema {
  const name = req.fieldName ?? '';
  validateFieldName(name);
  const dataType = parseDataType(req.dataType ?? '', name);
  const params = typeParams(req.elementTypeParams ?? {});
  const isPrimary = req.isPrimary === true;
  const field: FieldSchema = {
    fieldId: FIRST_FIELD_ID + index,
    name,
    dataType,
    description: '',
    isPrimary,
    autoId: isPrimary && autoID,
    nullable: req.nullable === true,
    isPartitionKey: req.isPartitionKey === true,
    isClusteringKey: req.isClusteringKey === true,
    extraParams: {},
  };
  if (dataType === 'Array') field.elementType = parseElementType(req.elementDataType ?? undefined, name);
  applyTypeParams(field, params, collectionName);
  if (req.defaultValue !== undefined && req.defaultValue !== null) {
    field.defaultValue = defaultValueFor(field, req.defaultValue);
  }
  return field;
}

/** Stringifies elementTypeParams the way Milvus does: strings as-is, anything else as JSON. */
export function typeParams(raw: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

/**
 * Moves dim / max_length / max_capacity into typed properties (validated for the field's type)
 * and keeps every other parameter verbatim in extraParams.
 */
export function applyTypeParams(
  field: FieldSchema,
  params: Record<string, string>,
  collectionName: string,
): void {
  const t = field.dataType;
  const vector = isVectorType(t);
  const hasMaxLength = t === 'VarChar' || (t === 'Array' && field.elementType === 'VarChar');
  for (const [key, value] of Object.entries(params)) {
    if (key === 'dim' && vector) field.dim = intParam(field.name, key, value);
    else if (key === 'max_length' && hasMaxLength) field.maxLength = intParam(field.name, key, value);
    else if (key === 'max_capacity' && t === 'Array') field.maxCapacity = intParam(field.name, key, value);
    else field.extraParams[key] = value;
  }
  if (vector) checkDim(field);
  if (hasMaxLength) {
    if (field.maxLength === undefined) {
      throw invalidParameter(
        `type param(max_length) should be specified for the field(${field.name}) of collection ${collectionName}`,
      );
    }
    if (field.maxLength <= 0 || field.maxLength > MAX_VARCHAR_LENGTH) {
      throw invalidParameter(
        `the maximum length specified for the field(${field.name}) should be in (0, ${MAX_VARCHAR_LENGTH}], but got ${field.maxLength} instead`,
      );
    }
  }
  if (t === 'Array') {
    if (field.maxCapacity === undefined) {
      throw invalidParameter(
        `type param(max_capacity) should be specified for array field ${field.name} of collection ${collectionName}`,
      );
    }
    if (field.maxCapacity <= 0 || field.maxCapacity > MAX_ARRAY_CAPACITY) {
      throw invalidParameter(
        `the maximum capacity specified for a Array should be in (0, ${MAX_ARRAY_CAPACITY}], but got ${field.maxCapacity} for field ${field.name}`,
      );
    }
  }
}

function intParam(fieldName: string, key: string, value: string): number {
  if (!INTEGER_TEXT.test(value)) {
    throw invalidParameter(`the value of type param ${key} of field ${fieldName} must be an integer, got "${value}"`);
  }
  return Number(value);
}

function checkDim(field: FieldSchema): void {
  const dim = field.dim;
  if (dim === undefined) {
    throw invalidParameter(
      `dimension is not defined in field type params of field ${field.name}, check type param \`dim\` for vector field`,
    );
  }
  const binary = field.dataType === 'BinaryVector';
  const max = binary ? MAX_DIMENSION * 8 : MAX_DIMENSION;
  if (dim <= 1 || dim > max) {
    throw invalidParameter(`invalid dimension: ${dim} of field ${field.name}. should be in range 2 ~ ${max}`);
  }
  if (binary && dim % 8 !== 0) {
    throw invalidParameter(
      `invalid dimension: ${dim} of field ${field.name}. binary vector dimension should be multiple of 8.`,
    );
  }
}

/** Default values Milvus supports: the fixed-width scalars and VarChar. */
function defaultValueFor(field: FieldSchema, value: unknown): unknown {
  const t: DataType = field.dataType;
  if (field.isPrimary) throw invalidParameter(`primary field ${field.name} does not support default_value`);
  if (t === 'JSON' || t === 'Array' || isVectorType(t)) {
    throw invalidParameter(`convert defaultValue fail, err: type not support default_value, type:${t}, name:${field.name}`);
  }
  // Defaults must already have the field's JSON type; the lenient row conversions (quoted
  // numbers, "true") do not apply, as Milvus type-asserts the decoded value.
  const expected = t === 'Bool' ? 'boolean' : t === 'VarChar' ? 'string' : 'number';
  try {
    if (typeof value !== expected) throw new FieldValueError(`value must be a ${expected}`);
    return toElement(t as ElementType, value, field.maxLength);
  } catch (err) {
    if (!(err instanceof FieldValueError)) throw err;
    throw invalidParameter(
      `convert defaultValue fail, err: invalid default value ${JSON.stringify(value)} for ${t} field ${field.name}: ${err.message}`,
    );
  }
}

/**
 * Cross-field rules: unique names, exactly one Int64/VarChar primary key that is not nullable,
 * at most one partition key (Int64/VarChar, not the primary key, not nullable), at most one
 * clustering key, 1..4 vector fields that are not nullable, at most 64 fields.
 */
export function checkFieldSet(fields: FieldSchema[]): void {
  if (fields.length > MAX_FIELDS) {
    throw invalidParameter(`maximum field's number should be limited to ${MAX_FIELDS}`);
  }
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.name)) throw invalidParameter(`duplicated field name ${f.name} found`);
    seen.add(f.name);
  }
  const primaries = fields.filter((f) => f.isPrimary);
  if (primaries.length === 0) throw invalidParameter('primary key is not specified');
  if (primaries.length > 1) {
    throw invalidParameter(
      `there are more than one primary key, field name = ${primaries[0].name}, ${primaries[1].name}`,
    );
  }
  const pk = primaries[0];
  if (pk.dataType !== 'Int64' && pk.dataType !== 'VarChar') {
    throw invalidParameter(`the data type of primary key should be Int64 or VarChar, but field ${pk.name} is ${pk.dataType}`);
  }
  if (pk.nullable) throw invalidParameter(`primary field ${pk.name} does not support null`);
  const partitionKeys = fields.filter((f) => f.isPartitionKey);
  if (partitionKeys.length > 1) throw invalidParameter('there are more than one partition key');
  for (const f of partitionKeys) {
    if (f.isPrimary) throw invalidParameter(`the partition key field ${f.name} must not be primary field`);
    if (f.dataType !== 'Int64' && f.dataType !== 'VarChar') {
      throw invalidParameter(`the data type of partition key should be Int64 or VarChar, but field ${f.name} is ${f.dataType}`);
    }
    if (f.nullable) throw invalidParameter(`partition key field ${f.name} does not support nullable`);
  }
  if (fields.filter((f) => f.isClusteringKey).length > 1) {
    throw invalidParameter('there are more than one clustering key');
  }
  const vectors = fields.filter((f) => isVectorType(f.dataType));
  if (vectors.length === 0) throw invalidParameter('schema does not contain vector field');
  if (vectors.length > MAX_VECTOR_FIELDS) {
    throw invalidParameter(`maximum vector field's number should be limited to ${MAX_VECTOR_FIELDS}`);
  }
  for (const f of vectors) {
    if (f.nullable) throw invalidParameter(`vector field ${f.name} does not support null`);
  }
}
