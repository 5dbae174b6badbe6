/**
 * Type rules for comparisons, `in`, ranges, LIKE and arithmetic, following Milvus: a field is
 * compared with constants of its own type (any number for numeric fields), JSON values with
 * any scalar, two fields only when both are plain non-JSON scalar columns, and arithmetic only
 * as `field op constant` compared with a constant.
 */
import { foldArith, foldCompare } from './fold.ts';
import { semantic } from './issue.ts';
import { describeOperand, operandType, showOperand, showVal, type Val } from './checked.ts';
import { flipCmp, type ArithOp, type CmpOp, type ColumnRef, type Operand, type Plan, type Scalar, type ValueType } from './plan.ts';
import { constValue, isNumber, showColumn, showConst, type Const } from './resolve.ts';

const ORDERING: ReadonlySet<CmpOp> = new Set(['<', '<=', '>', '>=']);

/** Checks that constant `c` may be compared with a value of type `vt` using `op`. */
function checkConstFor(vt: ValueType, what: string, op: CmpOp, c: Const, offset: number): void {
  const fail = (): never => {
    throw semantic(offset, `comparison operations cannot be applied to ${what} and ${showConst(c)}`);
  };
  switch (vt) {
    case 'array':
      throw semantic(offset, `can not comparisons array fields directly: ${what}`);
    case 'bool':
      if (c.k !== 'bool') fail();
      if (ORDERING.has(op)) throw semantic(offset, `invalid range operations on boolean expr: ${what}`);
      return;
    case 'int':
    case 'float':
    case 'float32':
      if (!isNumber(c)) fail();
      return;
    case 'string':
      if (c.k !== 'str') fail();
      return;
    case 'json':
      if ((c.k === 'arr' || c.k === 'bool') && ORDERING.has(op)) fail();
      return;
  }
}

/** Whether a list element suits a column for equality. */
function fitsColumn(vt: ValueType, c: Const): boolean {
  switch (vt) {
    case 'bool':
      return c.k === 'bool';
    case 'string':
      return c.k === 'str';
    case 'json':
      return true;
    case 'array':
      return false;
    default:
      return isNumber(c);
  }
}

/** A comparison `operand op constant`. */
export function compareConst(o: Operand, op: CmpOp, c: Const, offset: number): Plan {
  checkConstFor(operandType(o), describeOperand(o), op, c, offset);
  return { op: 'cmp', left: o, cmp: op, value: constValue(c) };
}

function plainScalar(o: Operand): ColumnRef | null {
  if (o.kind !== 'column' || o.col.path.length > 0) return null;
  const vt = o.col.valueType;
  return vt === 'json' || vt === 'array' ? null : o.col;
}

function numeric(vt: ValueType): boolean {
  return vt === 'int' || vt === 'float' || vt === 'float32';
}

/** Any of `< <= > >= == !=` between two checked values. */
export function compare(op: CmpOp, left: Val, right: Val, offset: number): Val {
  if (left.t === 'const' && right.t === 'const') {
    return { t: 'const', c: { k: 'bool', v: foldCompare(op, left.c, right.c, offset) } };
  }
  if (left.t === 'pred' || right.t === 'pred') {
    throw semantic(offset, `comparison operations cannot be applied to a boolean expression: ${showVal(left)} ${op} ${showVal(right)}`);
  }
  if (left.t === 'operand' && right.t === 'const') return { t: 'pred', p: compareConst(left.o, op, right.c, offset) };
  if (left.t === 'const' && right.t === 'operand') {
    return { t: 'pred', p: compareConst(right.o, flipCmp(op), left.c, offset) };
  }
  const l = left.t === 'operand' ? plainScalar(left.o) : null;
  const r = right.t === 'operand' ? plainScalar(right.o) : null;
  if (l === null || r === null) {
    throw semantic(offset, `comparison between two fields is only supported for non-JSON scalar fields: ${showVal(left)} ${op} ${showVal(right)}`);
  }
  const compatible =
    (numeric(l.valueType) && numeric(r.valueType)) ||
    (l.valueType === 'string' && r.valueType === 'string') ||
    (l.valueType === 'bool' && r.valueType === 'bool' && !ORDERING.has(op));
  if (!compatible) {
    throw semantic(offset, `comparison operations cannot be applied to fields ${l.field} (${l.dataType}) and ${r.field} (${r.dataType})`);
  }
  return { t: 'pred', p: { op: 'fields', left: l, cmp: op, right: r } };
}

/** `col in [constants]`; each element must suit the column's type. */
export function membership(left: Val, list: Val, offset: number): Plan {
  if (left.t === 'const') throw semantic(offset, `'term' can only be used on non-const expression, but got: ${showVal(left)}`);
  if (left.t !== 'operand' || left.o.kind !== 'column') {
    throw semantic(offset, `'term' can only be used on single field, but got: ${showVal(left)}`);
  }
  const col = left.o.col;
  if (col.valueType === 'array') throw semantic(offset, `can not comparisons array fields directly: ${showColumn(col)}`);
  if (list.t !== 'const' || list.c.k !== 'arr') {
    throw semantic(offset, `the right-hand side of 'in' must be a list of constants, but got: ${showVal(list)}`);
  }
  const values: Scalar[] = [];
  for (const item of list.c.v) {
    if (item.k === 'arr') throw semantic(offset, `value '${showConst(item)}' in list cannot be a nested list`);
    if (!fitsColumn(col.valueType, item)) {
      throw semantic(offset, `value '${showConst(item)}' in list cannot be compared with ${describeOperand(left.o)}`);
    }
    values.push(item.v);
  }
  return { op: 'in', col, values };
}

/** `lower < col < upper` with constant bounds of the column's type, lower not above upper. */
export function range(col: ColumnRef, lower: Val, lowerInclusive: boolean, upper: Val, upperInclusive: boolean, offset: number): Plan {
  if (lower.t !== 'const') throw semantic(offset, `lowerbound cannot be a non-const expression: ${showVal(lower)}`);
  if (upper.t !== 'const') throw semantic(offset, `upperbound cannot be a non-const expression: ${showVal(upper)}`);
  const what = describeOperand({ kind: 'column', col });
  checkConstFor(col.valueType, what, '<', lower.c, offset);
  checkConstFor(col.valueType, what, '<', upper.c, offset);
  const lo = lower.c;
  const hi = upper.c;
  const sameKind = (isNumber(lo) && isNumber(hi)) || (lo.k === 'str' && hi.k === 'str');
  if (!sameKind) throw semantic(offset, `range bounds of different types: ${showConst(lo)} and ${showConst(hi)}`);
  const inverted = lowerInclusive && upperInclusive ? foldCompare('>', lo, hi, offset) : foldCompare('>=', lo, hi, offset);
  if (inverted) throw semantic(offset, 'invalid range: lowerbound is greater than upperbound');
  return { op: 'range', col, lower: lo.v as Scalar, lowerInclusive, upper: hi.v as Scalar, upperInclusive };
}

/** `col like "pattern"` on VarChar, JSON, or an element of an Array of VarChar. */
export function like(left: Val, pattern: Val, offset: number): Plan {
  if (left.t !== 'operand' || left.o.kind !== 'column') {
    throw semantic(offset, `like operation on complicated expr is unsupported: ${showVal(left)}`);
  }
  const col = left.o.col;
  if (col.valueType === 'array') throw semantic(offset, `can not comparisons array fields directly: ${showColumn(col)}`);
  if (col.valueType !== 'string' && col.valueType !== 'json') {
    throw semantic(offset, `like operation on non-string or no-json field is unsupported: ${showColumn(col)}`);
  }
  if (pattern.t !== 'const' || pattern.c.k !== 'str') {
    throw semantic(offset, `the pattern of like must be a string, got: ${showVal(pattern)}`);
  }
  return { op: 'like', col, pattern: pattern.c.v };
}

/** `a op b` for + - * / %: folds constants, otherwise builds a `field op constant` operand. */
export function arithmetic(op: ArithOp, left: Val, right: Val, offset: number): Val {
  if (left.t === 'const' && right.t === 'const') return { t: 'const', c: foldArith(op, left.c, right.c, offset) };
  if (left.t === 'operand' && right.t === 'const') return { t: 'operand', o: fieldArith(left.o, op, right.c, offset) };
  if (left.t === 'const' && right.t === 'operand' && (op === '+' || op === '*')) {
    return { t: 'operand', o: fieldArith(right.o, op, left.c, offset) };
  }
  if (left.t === 'operand' && right.t === 'operand') {
    throw semantic(offset, `arithmetic between two fields is not supported: ${showVal(left)} ${op} ${showVal(right)}`);
  }
  throw semantic(offset, `arithmetic must have the form 'field ${op} constant', got: ${showVal(left)} ${op} ${showVal(right)}`);
}

function fieldArith(base: Operand, op: ArithOp, c: Const, offset: number): Operand {
  if (base.kind === 'arith') {
    throw semantic(offset, `arithmetic must have the form 'field ${op} constant', got: (${showOperand(base)}) ${op} ${showConst(c)}`);
  }
  const vt = base.kind === 'length' ? 'int' : base.col.valueType;
  if (!numeric(vt) && vt !== 'json') {
    throw semantic(offset, `arithmetic operation ${op} cannot be applied to ${showOperand(base)} of type ${base.kind === 'column' ? base.col.dataType : vt}`);
  }
  if (!isNumber(c)) throw semantic(offset, `arithmetic operation ${op} cannot be applied to ${showConst(c)}`);
  if (op === '%' && (c.k !== 'int' || (vt !== 'int' && vt !== 'json'))) {
    throw semantic(offset, 'modulo can only apply on integer types');
  }
  if ((op === '/' || op === '%') && c.v === 0) throw semantic(offset, 'cannot divide by zero');
  const math = c.k !== 'int' ? 'float' : vt === 'int' ? 'int' : vt === 'json' ? 'dynamic' : 'float';
  return { kind: 'arith', base, op, value: c.v, math };
}
