/**
 * Value tests used by the leaf predicates: given a non-null value read from a row, does it
 * satisfy the comparison? Typed columns compare directly; JSON values first check that the
 * value has the constant's type, because a JSON key may hold anything.
 */
import { jsonEqual } from './access.ts';
import { compileLike } from './like.ts';
import type { CmpOp, ConstValue, Scalar, ValueType } from './plan.ts';

/** A test of one non-null value. */
export type ValueTest = (v: unknown) => boolean;

type Ordered = number | string;

/** Comparison of an ordered value (number or string) with a constant of the same type. */
export function orderedTest(op: CmpOp, c: Ordered): (v: Ordered) => boolean {
  switch (op) {
    case '==':
      return (v) => v === c;
    case '!=':
      return (v) => v !== c;
    case '<':
      return (v) => v < c;
    case '<=':
      return (v) => v <= c;
    case '>':
      return (v) => v > c;
    case '>=':
      return (v) => v >= c;
  }
}

/** Test for `value op c` on values of type `vt`. */
export function compareTest(vt: ValueType, op: CmpOp, c: ConstValue): ValueTest {
  if (vt === 'float32' && typeof c === 'number') {
    const t = orderedTest(op, Math.fround(c));
    return (v) => t(Math.fround(v as number));
  }
  if (vt !== 'json') {
    return orderedTest(op, c as Ordered) as ValueTest;
  }
  // JSON: equality across types is simply false (so != is true); ordering needs equal types.
  if (Array.isArray(c)) return op === '==' ? (v) => jsonEqual(v, c) : (v) => !jsonEqual(v, c);
  if (op === '==') return (v) => v === c;
  if (op === '!=') return (v) => v !== c;
  const t = orderedTest(op, c as Ordered);
  const type = typeof c;
  return (v) => typeof v === type && t(v as Ordered);
}

/** Test for `lower <(=) v <(=) upper`. */
export function rangeTest(vt: ValueType, lower: Scalar, lowerInclusive: boolean, upper: Scalar, upperInclusive: boolean): ValueTest {
  const f32 = vt === 'float32';
  const lo = (f32 ? Math.fround(lower as number) : lower) as Ordered;
  const hi = (f32 ? Math.fround(upper as number) : upper) as Ordered;
  const type = typeof lo;
  const check = vt === 'json';
  let t: (v: Ordered) => boolean;
  if (lowerInclusive && upperInclusive) t = (v) => v >= lo && v <= hi;
  else if (lowerInclusive) t = (v) => v >= lo && v < hi;
  else if (upperInclusive) t = (v) => v > lo && v <= hi;
  else t = (v) => v > lo && v < hi;
  if (f32) return (v) => t(Math.fround(v as number));
  if (check) return (v) => typeof v === type && t(v as Ordered);
  return t as ValueTest;
}

/** Test for membership in a constant list. */
export function inTest(vt: ValueType, values: readonly Scalar[]): ValueTest {
  if (vt === 'float32') {
    const set = new Set(values.map((x) => Math.fround(x as number)));
    return (v) => set.has(Math.fround(v as number));
  }
  if (values.length === 1) {
    const only = values[0];
    return (v) => v === only;
  }
  const set = new Set<unknown>(values);
  return (v) => set.has(v);
}

/** Test for LIKE; non-string JSON values do not match. */
export function likeTest(pattern: string): ValueTest {
  const m = compileLike(pattern);
  return (v) => typeof v === 'string' && m(v);
}

/**
 * Test for json_contains / array_contains and the _all / _any forms. The value must be an
 * array; elements are compared structurally so `json_contains(x, [1, 2])` finds a nested list.
 * Float arrays compare in single precision as their storage does.
 */
export function containsTest(mode: 'one' | 'all' | 'any', values: readonly ConstValue[], float32: boolean): ValueTest {
  const has = (arr: unknown[], c: ConstValue): boolean => {
    if (float32 && typeof c === 'number') {
      const fc = Math.fround(c);
      return arr.some((e) => typeof e === 'number' && Math.fround(e) === fc);
    }
    if (typeof c !== 'object') return arr.includes(c);
    return arr.some((e) => jsonEqual(e, c));
  };
  if (mode === 'one') {
    const c = values[0];
    return (v) => Array.isArray(v) && has(v, c);
  }
  if (mode === 'all') return (v) => Array.isArray(v) && values.every((c) => has(v, c));
  const scalars = values.every((c) => typeof c !== 'object') && !float32;
  if (scalars) {
    const set = new Set<unknown>(values);
    return (v) => Array.isArray(v) && v.some((e) => set.has(e));
  }
  return (v) => Array.isArray(v) && values.some((c) => has(v, c));
}
