/**
 * Function calls: json_contains / array_contains (and their _all / _any forms), which are one
 * operation on either JSON or Array values, and array_length. Functions Milvus knows but quiver
 * does not evaluate (text and phrase match, sampling, geometry...) are rejected by name.
 */
import type { Call } from './ast.ts';
import { showVal, type Val } from './checked.ts';
import { semantic } from './issue.ts';
import type { ColumnRef, ConstValue, Plan } from './plan.ts';
import { constValue, isNumber, showColumn, showConst, type Const } from './resolve.ts';

/** Milvus functions that parse but have no evaluator here. */
const UNSUPPORTED = new Set([
  'text_match', 'phrase_match', 'random_sample', 'text_match_fuzzy', 'element_filter',
  'match_all', 'match_any', 'match_least', 'match_most', 'match_exact',
  'st_equals', 'st_touches', 'st_overlaps', 'st_crosses', 'st_contains', 'st_intersects',
  'st_within', 'st_dwithin', 'st_isvalid', 'empty', 'starts_with',
]);

const CONTAINS: Record<string, 'one' | 'all' | 'any'> = {
  json_contains: 'one',
  array_contains: 'one',
  json_contains_all: 'all',
  array_contains_all: 'all',
  json_contains_any: 'any',
  array_contains_any: 'any',
};

/** Rejects unknown and unsupported functions and named arguments, before arguments are checked. */
export function checkCallName(call: Call): void {
  const { name, offset } = call;
  if (UNSUPPORTED.has(name)) throw semantic(offset, `function ${name} is not supported`);
  if (CONTAINS[name] === undefined && name !== 'array_length') throw semantic(offset, `function ${name} not found`);
  if (Object.keys(call.named).length > 0) {
    throw semantic(offset, `function ${name} takes no named arguments`);
  }
}

/** Checks a call (already passed by checkCallName) whose arguments have been checked. */
export function checkCall(call: Call, args: Val[]): Val {
  const { name, offset } = call;
  const mode = CONTAINS[name];
  const arity = mode === undefined ? 1 : 2;
  if (args.length !== arity) {
    throw semantic(offset, `function ${name} takes ${arity} argument${arity > 1 ? 's' : ''}, got ${args.length}`);
  }
  const col = containerColumn(name, args[0], offset);
  if (mode === undefined) return { t: 'operand', o: { kind: 'length', col } };
  return { t: 'pred', p: contains(name, mode, col, args[1], offset) };
}

/** The first argument: a JSON value (any path) or a whole Array field. */
function containerColumn(name: string, arg: Val, offset: number): ColumnRef {
  const col = arg.t === 'operand' && arg.o.kind === 'column' ? arg.o.col : null;
  if (col === null || (col.valueType !== 'json' && col.valueType !== 'array')) {
    throw semantic(offset, `${name} operation are only supported on json or array fields now, got: ${showVal(arg)}`);
  }
  return col;
}

function contains(name: string, mode: 'one' | 'all' | 'any', col: ColumnRef, arg: Val, offset: number): Plan {
  if (arg.t !== 'const') {
    throw semantic(offset, `${name} operation are only supported explicitly specified element, got: ${showVal(arg)}`);
  }
  let elements: Const[];
  if (mode === 'one') {
    elements = [arg.c];
  } else {
    if (arg.c.k !== 'arr') throw semantic(offset, `${name} operation element must be an array, got: ${showConst(arg.c)}`);
    elements = arg.c.v;
  }
  if (col.valueType === 'array') {
    for (const e of elements) checkElement(col, e, offset);
  }
  const values: ConstValue[] = elements.map(constValue);
  return { op: 'contains', mode, col, values };
}

/** For Array fields the searched element must have the array's element type. */
function checkElement(col: ColumnRef, e: Const, offset: number): void {
  const et = col.elementType ?? 'Int64';
  const ok = et === 'Bool' ? e.k === 'bool' : et === 'VarChar' ? e.k === 'str' : isNumber(e);
  if (!ok) {
    throw semantic(offset, `contains operation on array field ${showColumn(col)} of ${et} cannot search ${showConst(e)}`);
  }
}
