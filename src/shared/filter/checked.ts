/**
 * The result of checking one sub-expression, before it is known how it will be used: a
 * constant, a value read from a row (column, array_length, `field op const`), or a boolean
 * plan. Helpers here convert between them and build the logical connectives.
 */
import { semantic } from './issue.ts';
import type { Operand, Plan, ValueType } from './plan.ts';
import { showColumn, showConst, type Const } from './resolve.ts';

export type Val =
  | { t: 'const'; c: Const }
  | { t: 'operand'; o: Operand }
  | { t: 'pred'; p: Plan };

/** The type of value an operand yields; arithmetic and array_length always yield numbers. */
export function operandType(o: Operand): ValueType {
  if (o.kind === 'column') return o.col.valueType;
  return 'float';
}

/** How an operand is written, for error messages. */
export function showOperand(o: Operand): string {
  switch (o.kind) {
    case 'column':
      return showColumn(o.col);
    case 'length':
      return `array_length(${showColumn(o.col)})`;
    case 'arith':
      return `${showOperand(o.base)} ${o.op} ${o.value}`;
  }
}

/** An operand with its type, for type errors: `age (Int32)`, `json["k"] (JSON)`. */
export function describeOperand(o: Operand): string {
  if (o.kind !== 'column') return `${showOperand(o)} (number)`;
  const col = o.col;
  const type = col.dataType === 'Array' && col.path.length > 0 ? `${col.elementType} element` : col.dataType;
  return `${showOperand(o)} (${type})`;
}

export function showVal(v: Val): string {
  if (v.t === 'const') return showConst(v.c);
  if (v.t === 'operand') return showOperand(v.o);
  return 'boolean expression';
}

/**
 * The boolean plan of a value used as a condition: a predicate, a boolean constant, or a
 * Bool column (`is_active`, `not flags[0]`). Anything else is reported with `context`.
 */
export function toPlan(v: Val, offset: number, context: string): Plan {
  if (v.t === 'pred') return v.p;
  if (v.t === 'const' && v.c.k === 'bool') return { op: 'const', value: v.c.v };
  if (v.t === 'operand' && v.o.kind === 'column' && v.o.col.valueType === 'bool') {
    return { op: 'bool', col: v.o.col };
  }
  throw semantic(offset, `${context}, got: ${showVal(v)}`);
}

/**
 * `and`/`or` of plans, flattened (a and b and c is one node) and with constants folded away.
 * Folding is sound under SQL null logic: `unknown or true` is true, `unknown and false` is
 * false.
 */
export function combine(op: 'and' | 'or', plans: Plan[]): Plan {
  const absorbing = op === 'or';
  const args: Plan[] = [];
  for (const p of plans) {
    if (p.op === 'const') {
      if (p.value === absorbing) return p;
      continue;
    }
    if (p.op === op) args.push(...p.args);
    else args.push(p);
  }
  if (args.length === 0) return { op: 'const', value: !absorbing };
  if (args.length === 1) return args[0];
  return { op, args };
}

/** Logical negation, folding constants and double negations. */
export function negate(p: Plan): Plan {
  if (p.op === 'const') return { op: 'const', value: !p.value };
  if (p.op === 'not') return p.arg;
  return { op: 'not', arg: p };
}
