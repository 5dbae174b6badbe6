/**
 * Name resolution and constants: turns identifiers and JSON paths into ColumnRefs using the
 * collection schema (unknown names become dynamic `$meta` keys when the collection allows
 * them), and template placeholders into constants from the request's exprParams.
 */
import { DYNAMIC_FIELD, isVectorType, type CollectionInfo, type DataType, type FieldSchema } from '../schema/types.ts';
import type { PathKey } from './ast.ts';
import { semantic } from './issue.ts';
import type { ColumnRef, ConstValue, ValueType } from './plan.ts';

/**
 * A constant during checking. Integers and floats are told apart because Milvus types
 * them differently (`7 / 2` is 3, `1.0` is not an Int64 value).
 */
export type Const =
  | { k: 'int'; v: number }
  | { k: 'float'; v: number }
  | { k: 'str'; v: string }
  | { k: 'bool'; v: boolean }
  | { k: 'arr'; v: Const[] };

/** The plain JS value of a constant. */
export function constValue(c: Const): ConstValue {
  return c.k === 'arr' ? c.v.map(constValue) : c.v;
}

/** A short rendering of a constant for error messages. */
export function showConst(c: Const): string {
  return JSON.stringify(constValue(c));
}

export function isNumber(c: Const): c is { k: 'int' | 'float'; v: number } {
  return c.k === 'int' || c.k === 'float';
}

/** The value type of a scalar schema type; null for types a filter cannot read. */
export function scalarValueType(t: DataType): ValueType | null {
  switch (t) {
    case 'Bool':
      return 'bool';
    case 'Int8':
    case 'Int16':
    case 'Int32':
    case 'Int64':
      return 'int';
    case 'Float':
      return 'float32';
    case 'Double':
      return 'float';
    case 'VarChar':
      return 'string';
    case 'JSON':
      return 'json';
    case 'Array':
      return 'array';
    default:
      return null;
  }
}

/** Resolves a name (with an optional path) against the schema. */
export function resolveColumn(collection: CollectionInfo, name: string, path: PathKey[], offset: number): ColumnRef {
  if (name === DYNAMIC_FIELD) {
    if (!collection.enableDynamicField) throw semantic(offset, `field ${name} not exist`);
    return { field: DYNAMIC_FIELD, pk: false, dataType: 'JSON', path, valueType: 'json' };
  }
  const field = collection.fields.find((f) => f.name === name);
  if (!field) {
    if (!collection.enableDynamicField) throw semantic(offset, `field ${name} not exist`);
    return { field: DYNAMIC_FIELD, pk: false, dataType: 'JSON', path: [name, ...path], valueType: 'json' };
  }
  return fieldColumn(field, path, offset);
}

function fieldColumn(field: FieldSchema, path: PathKey[], offset: number): ColumnRef {
  const base = { field: field.name, pk: field.isPrimary, dataType: field.dataType, path };
  if (isVectorType(field.dataType) || String(field.dataType).endsWith('Vector')) {
    throw semantic(offset, `filter on vector field (${field.name}) is not supported`);
  }
  const vt = scalarValueType(field.dataType);
  if (vt === null) throw semantic(offset, `filter on ${field.dataType} field (${field.name}) is not supported yet`);
  if (path.length === 0) return { ...base, elementType: field.elementType, valueType: vt };
  if (vt === 'json') return { ...base, valueType: 'json' };
  if (vt !== 'array') throw semantic(offset, `${field.dataType} data type not supported accessed with []`);
  if (typeof path[0] !== 'number') throw semantic(offset, 'can only access array field with integer index');
  if (path.length > 1) throw semantic(offset, `array field ${field.name} supports only one level of index`);
  const elementType = field.elementType ?? 'Int64';
  const et = scalarValueType(elementType);
  if (et === null || et === 'json' || et === 'array') {
    throw semantic(offset, `array field ${field.name} has an unsupported element type ${elementType}`);
  }
  return { ...base, elementType, valueType: et };
}

/** Describes a column reference as written, for messages. */
export function showColumn(col: ColumnRef): string {
  return col.field + col.path.map((k) => `[${JSON.stringify(k)}]`).join('');
}

/** Converts an exprParams value into a constant. */
export function templateConst(name: string, value: unknown, offset: number): Const {
  const convert = (v: unknown): Const => {
    switch (typeof v) {
      case 'number':
        if (!Number.isFinite(v)) break;
        return Number.isInteger(v) ? { k: 'int', v } : { k: 'float', v };
      case 'bigint':
        return { k: 'int', v: Number(v) };
      case 'string':
        return { k: 'str', v };
      case 'boolean':
        return { k: 'bool', v };
      case 'object':
        if (Array.isArray(v)) return { k: 'arr', v: v.map(convert) };
        break;
      default:
        break;
    }
    throw semantic(offset, `the value of expression template variable name {${name}} has an unsupported type: ${JSON.stringify(v) ?? String(v)}`);
  };
  return convert(value);
}

/** The constant for `{name}`; a placeholder without a value is an error. */
export function lookupTemplate(params: Record<string, unknown> | undefined, name: string, offset: number): Const {
  if (params === undefined || !Object.prototype.hasOwnProperty.call(params, name) || params[name] === undefined) {
    throw semantic(offset, `the value of expression template variable name {${name}} is not found`);
  }
  return templateConst(name, params[name], offset);
}
