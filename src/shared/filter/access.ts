/**
 * Reading values out of column storage: JSON path steps, array_length and `field op const`
 * operands, built once per bind as small closures so the per-row work is a few property reads.
 */
import type { PathKey } from './ast.ts';
import type { ArithOp, Operand } from './plan.ts';

/** Reads one row's value; null or undefined mean "no value". */
export type Getter = (row: number) => unknown;

/** Column values by row; typed arrays work too. */
export type ColumnData = ArrayLike<unknown>;

type Step = (v: unknown) => unknown;

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * One path step. Objects are indexed by key (own properties only, so `constructor` or
 * `__proto__` never reach the prototype), arrays by integer index; anything else yields
 * undefined, i.e. a missing value.
 */
function step(key: PathKey): Step {
  const index = typeof key === 'number' ? key : /^(0|[1-9][0-9]*)$/.test(key) ? Number(key) : -1;
  const name = String(key);
  // Plain JSON objects only inherit Object.prototype, so other keys are safe to read directly.
  const direct = !(name in Object.prototype);
  return (v) => {
    if (v === null || typeof v !== 'object') return undefined;
    if (Array.isArray(v)) return index >= 0 ? v[index] : undefined;
    if (direct) return (v as Record<string, unknown>)[name];
    return hasOwn.call(v, name) ? (v as Record<string, unknown>)[name] : undefined;
  };
}

/** Getter for `column[path...]`. */
export function pathGetter(data: ColumnData, path: readonly PathKey[]): Getter {
  if (path.length === 0) return (r) => data[r];
  const steps = path.map(step);
  if (steps.length === 1) {
    const s0 = steps[0];
    return (r) => s0(data[r]);
  }
  if (steps.length === 2) {
    const [s0, s1] = steps;
    return (r) => s1(s0(data[r]));
  }
  return (r) => {
    let v = data[r];
    for (let i = 0; i < steps.length && v != null; i++) v = steps[i](v);
    return v;
  };
}

function arith(op: ArithOp, k: number, math: 'int' | 'float' | 'dynamic'): (v: number) => number {
  switch (op) {
    case '+':
      return (v) => v + k;
    case '-':
      return (v) => v - k;
    case '*':
      return (v) => v * k;
    case '%':
      return (v) => v % k;
    case '/':
      if (math === 'int') return (v) => Math.trunc(v / k);
      if (math === 'dynamic') return (v) => (Number.isInteger(v) ? Math.trunc(v / k) : v / k);
      return (v) => v / k;
  }
}

/** Getter for an operand; `column` resolves a column reference to its storage (null = absent). */
export function operandGetter(o: Operand, column: (o: Operand & { kind: 'column' | 'length' }) => ColumnData | null): Getter | null {
  if (o.kind === 'arith') {
    const base = operandGetter(o.base, column);
    if (base === null) return null;
    const f = arith(o.op, o.value, o.math);
    return (r) => {
      const v = base(r);
      return typeof v === 'number' ? f(v) : null;
    };
  }
  const data = column(o);
  if (data === null) return null;
  const get = pathGetter(data, o.col.path);
  if (o.kind === 'column') return get;
  return (r) => {
    const v = get(r);
    return Array.isArray(v) ? v.length : null;
  };
}

/** Structural equality of JSON values (arrays and objects compared element by element). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!hasOwn.call(b, k) || !jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}
