/**
 * The checked form of a filter: every name resolved to a column, every template filled, every
 * constant folded and every operand type-checked against the schema. Compilation to a row
 * predicate works from this and never fails.
 */
import type { DataType, ElementType } from '../schema/types.ts';
import type { PathKey } from './ast.ts';

export type CmpOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithOp = '+' | '-' | '*' | '/' | '%';
export type Scalar = number | string | boolean;
/** A constant after checking: a scalar, or an array of constants (json_contains, JSON ==). */
export type ConstValue = Scalar | ConstValue[];

/**
 * What reading a column yields. `int`, `float`, `float32`, `string`, `bool` are typed schema
 * columns (or typed array elements); `json` is any JSON value (JSON fields, dynamic keys);
 * `array` is a whole Array field.
 */
export type ValueType = 'bool' | 'int' | 'float' | 'float32' | 'string' | 'json' | 'array';

/** A column, possibly with a JSON path or an array index into it. */
export interface ColumnRef {
  /** Schema field name, or `$meta` for dynamic keys. */
  field: string;
  /** True for the primary key, whose values live in the batch's `pks`. */
  pk: boolean;
  dataType: DataType;
  elementType?: ElementType;
  path: PathKey[];
  valueType: ValueType;
}

/** The left side of a comparison with a constant. */
export type Operand =
  | { kind: 'column'; col: ColumnRef }
  /** array_length(col): the length when the value is an array, otherwise null. */
  | { kind: 'length'; col: ColumnRef }
  /**
   * `base op value`. With `int` math, `/` truncates like Milvus's integer division; `dynamic`
   * truncates only when the JSON value read is itself an integer.
   */
  | { kind: 'arith'; base: Operand; op: ArithOp; value: number; math: 'int' | 'float' | 'dynamic' };

/**
 * Boolean plan nodes. Leaves are null-aware: a null (or missing) operand makes a comparison
 * unknown, which counts as false both for the leaf and for its negation, as in SQL.
 */
export type Plan =
  | { op: 'const'; value: boolean }
  | { op: 'and' | 'or'; args: Plan[] }
  | { op: 'not'; arg: Plan }
  | { op: 'cmp'; left: Operand; cmp: CmpOp; value: ConstValue }
  | { op: 'range'; col: ColumnRef; lower: Scalar; lowerInclusive: boolean; upper: Scalar; upperInclusive: boolean }
  /** Comparison of two plain scalar columns of the same row. */
  | { op: 'fields'; left: ColumnRef; cmp: CmpOp; right: ColumnRef }
  | { op: 'in'; col: ColumnRef; values: Scalar[] }
  | { op: 'like'; col: ColumnRef; pattern: string }
  /** `is null`; for JSON paths also true when the key is missing. Never unknown. */
  | { op: 'is-null'; col: ColumnRef }
  /** `exists json["k"]`: the key is present with a non-null value. Never unknown. */
  | { op: 'exists'; col: ColumnRef }
  | { op: 'contains'; mode: 'one' | 'all' | 'any'; col: ColumnRef; values: ConstValue[] }
  /** A Bool column used directly as a condition. */
  | { op: 'bool'; col: ColumnRef };

export const TRUE_PLAN: Plan = { op: 'const', value: true };
export const FALSE_PLAN: Plan = { op: 'const', value: false };

/** The opposite comparison, for `c < f` rewritten as `f > c`. */
export function flipCmp(op: CmpOp): CmpOp {
  switch (op) {
    case '<':
      return '>';
    case '<=':
      return '>=';
    case '>':
      return '<';
    case '>=':
      return '<=';
    default:
      return op;
  }
}

/** Names of the schema columns a plan reads (primary key included), in first-use order. */
export function planFields(plan: Plan): string[] {
  const out = new Set<string>();
  const visitOperand = (o: Operand): void => {
    if (o.kind === 'arith') visitOperand(o.base);
    else out.add(o.col.field);
  };
  const visit = (p: Plan): void => {
    switch (p.op) {
      case 'const':
        return;
      case 'and':
      case 'or':
        p.args.forEach(visit);
        return;
      case 'not':
        visit(p.arg);
        return;
      case 'cmp':
        visitOperand(p.left);
        return;
      case 'fields':
        out.add(p.left.field);
        out.add(p.right.field);
        return;
      default:
        out.add(p.col.field);
    }
  };
  visit(plan);
  return [...out];
}

/**
 * The explicit primary keys a plan selects when it is exactly `pk == c`, `pk in [...]` or an
 * `or` of those; null otherwise. Keys are de-duplicated, first occurrence order kept.
 */
export function planPkKeys(plan: Plan): (number | string)[] | null {
  const keys: (number | string)[] = [];
  const collect = (p: Plan): boolean => {
    if (p.op === 'or') return p.args.every(collect);
    if (p.op === 'in' && p.col.pk && p.col.path.length === 0) {
      for (const v of p.values) if (typeof v !== 'boolean') keys.push(v);
      return true;
    }
    if (p.op === 'cmp' && p.cmp === '==' && p.left.kind === 'column' && p.left.col.pk && p.left.col.path.length === 0) {
      const v = p.value;
      if (typeof v === 'number' || typeof v === 'string') {
        keys.push(v);
        return true;
      }
    }
    return false;
  };
  return collect(plan) ? [...new Set(keys)] : null;
}
