/**
 * Constant folding. Milvus evaluates operators between two constants while planning
 * (`1 + 2`, `2 ** 10`, `-5`, `"a" < "b"`), with Go int64 semantics for integers: division
 * truncates and `%` needs integers.
 */
import { semantic } from './issue.ts';
import type { CmpOp } from './plan.ts';
import { isNumber, showConst, type Const } from './resolve.ts';

function int(v: number): Const {
  return { k: 'int', v };
}
function float(v: number): Const {
  return { k: 'float', v };
}

/** `a op b` for two numeric constants. */
export function foldArith(op: '+' | '-' | '*' | '/' | '%', a: Const, b: Const, offset: number): Const {
  if (!isNumber(a) || !isNumber(b)) {
    throw semantic(offset, `arithmetic operation ${op} cannot be applied to ${showConst(a)} and ${showConst(b)}`);
  }
  const ints = a.k === 'int' && b.k === 'int';
  switch (op) {
    case '+':
      return ints ? int(a.v + b.v) : float(a.v + b.v);
    case '-':
      return ints ? int(a.v - b.v) : float(a.v - b.v);
    case '*':
      return ints ? int(a.v * b.v) : float(a.v * b.v);
    case '/':
      if (b.v === 0) throw semantic(offset, 'cannot divide by zero');
      return ints ? int(Math.trunc(a.v / b.v)) : float(a.v / b.v);
    case '%':
      if (!ints) throw semantic(offset, 'modulo can only apply on integer types');
      if (b.v === 0) throw semantic(offset, 'cannot modulo by zero');
      return int(a.v % b.v);
  }
}

/** `a ** b`, allowed only between constants. Stays an integer when exact. */
export function foldPow(a: Const, b: Const, offset: number): Const {
  if (!isNumber(a) || !isNumber(b)) {
    throw semantic(offset, `power can only apply on numeric constants, got ${showConst(a)} ** ${showConst(b)}`);
  }
  const v = a.v ** b.v;
  return a.k === 'int' && b.k === 'int' && b.v >= 0 && Number.isSafeInteger(v) ? int(v) : float(v);
}

/** Unary minus of a constant. */
export function foldNegate(c: Const, offset: number): Const {
  if (!isNumber(c)) throw semantic(offset, `unary minus cannot be applied to ${showConst(c)}`);
  return c.k === 'int' ? int(-c.v) : float(-c.v);
}

/** Comparison of two constants, e.g. `1 < 2` or `"a" == "a"`. */
export function foldCompare(op: CmpOp, a: Const, b: Const, offset: number): boolean {
  const bothNum = isNumber(a) && isNumber(b);
  const bothStr = a.k === 'str' && b.k === 'str';
  const bothBool = a.k === 'bool' && b.k === 'bool';
  if (!bothNum && !bothStr && !(bothBool && (op === '==' || op === '!='))) {
    throw semantic(offset, `comparison operations cannot be applied to two incompatible operands: ${showConst(a)} ${op} ${showConst(b)}`);
  }
  const x = a.v as number | string | boolean;
  const y = b.v as number | string | boolean;
  switch (op) {
    case '==':
      return x === y;
    case '!=':
      return x !== y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
  }
}
