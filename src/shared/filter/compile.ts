/**
 * Binding a checked plan to column storage: one closure per plan node, built once, so that
 * evaluating a row walks no tree and allocates nothing.
 *
 * Negation is pushed down to the leaves while binding (`not (a and b)` becomes
 * `not a or not b`). Each leaf then decides for itself what its negation means, which is how
 * SQL null semantics come out right: a comparison with a null value is unknown, and both the
 * comparison and its negation are false for that row.
 */
import { operandGetter, pathGetter, type ColumnData, type Getter } from './access.ts';
import type { CmpOp, ColumnRef, ConstValue, Operand, Plan, Scalar } from './plan.ts';
import { compareTest, containsTest, inTest, likeTest, rangeTest, type ValueTest } from './value-tests.ts';

/** Decides whether row `row` of the bound columns matches. */
export type RowPredicate = (row: number) => boolean;

/** The columns a predicate reads, row-aligned: primary keys plus scalar columns by field name. */
export interface ColumnSource {
  pks: ArrayLike<number | string>;
  /** Scalar columns by field name, `$meta` holding dynamic-field objects. Missing = all null. */
  scalars: Readonly<Record<string, ArrayLike<unknown> | undefined>>;
}

const ALWAYS: RowPredicate = () => true;
const NEVER: RowPredicate = () => false;

const NEGATED: Record<CmpOp, CmpOp> = { '==': '!=', '!=': '==', '<': '>=', '<=': '>', '>': '<=', '>=': '<' };

/** Builds the row predicate of `plan` over `source`. */
export function bindPlan(plan: Plan, source: ColumnSource): RowPredicate {
  return new Binder(source).node(plan, false);
}

/** True for columns read without a path whose values are typed scalars (never JSON). */
function plainTyped(col: ColumnRef): boolean {
  return col.path.length === 0 && (col.valueType === 'int' || col.valueType === 'float' || col.valueType === 'string' || col.valueType === 'bool');
}

/** `test(value)` for non-null values, `!test(value)` under negation; null is false either way. */
function leaf(get: Getter, test: ValueTest, neg: boolean): RowPredicate {
  return neg
    ? (r) => {
        const v = get(r);
        return v != null && !test(v);
      }
    : (r) => {
        const v = get(r);
        return v != null && test(v);
      };
}

/** Direct comparisons on a typed column, the hot path of most filters. */
function plainCompare(d: ArrayLike<unknown>, op: CmpOp, c: number | string | boolean): RowPredicate {
  const data = d as ArrayLike<number | string | null | undefined>;
  const k = c as number | string;
  switch (op) {
    case '==':
      return (r) => data[r] === c;
    case '!=':
      return (r) => {
        const v = data[r];
        return v != null && v !== c;
      };
    case '<':
      return (r) => {
        const v = data[r];
        return v != null && v < k;
      };
    case '<=':
      return (r) => {
        const v = data[r];
        return v != null && v <= k;
      };
    case '>':
      return (r) => {
        const v = data[r];
        return v != null && v > k;
      };
    case '>=':
      return (r) => {
        const v = data[r];
        return v != null && v >= k;
      };
  }
}

function all(parts: RowPredicate[]): RowPredicate {
  const [a, b, c, d] = parts;
  switch (parts.length) {
    case 2:
      return (r) => a(r) && b(r);
    case 3:
      return (r) => a(r) && b(r) && c(r);
    case 4:
      return (r) => a(r) && b(r) && c(r) && d(r);
    default:
      return (r) => {
        for (let i = 0; i < parts.length; i++) if (!parts[i](r)) return false;
        return true;
      };
  }
}

function some(parts: RowPredicate[]): RowPredicate {
  const [a, b, c, d] = parts;
  switch (parts.length) {
    case 2:
      return (r) => a(r) || b(r);
    case 3:
      return (r) => a(r) || b(r) || c(r);
    case 4:
      return (r) => a(r) || b(r) || c(r) || d(r);
    default:
      return (r) => {
        for (let i = 0; i < parts.length; i++) if (parts[i](r)) return true;
        return false;
      };
  }
}

class Binder {
  constructor(private readonly source: ColumnSource) {}

  private data(col: ColumnRef): ColumnData | null {
    if (col.pk) return this.source.pks;
    return this.source.scalars[col.field] ?? null;
  }

  node(p: Plan, neg: boolean): RowPredicate {
    switch (p.op) {
      case 'const':
        return p.value !== neg ? ALWAYS : NEVER;
      case 'not':
        return this.node(p.arg, !neg);
      case 'and':
      case 'or':
        return this.logical((p.op === 'and') !== neg, p.args, neg);
      case 'is-null':
      case 'exists': {
        // Never unknown: `exists` is simply `is not null` on a JSON path.
        const wantNull = (p.op === 'is-null') !== neg;
        const data = this.data(p.col);
        if (data === null) return wantNull ? ALWAYS : NEVER;
        const get = pathGetter(data, p.col.path);
        return wantNull ? (r) => get(r) == null : (r) => get(r) != null;
      }
      default:
        return this.comparison(p, neg);
    }
  }

  /** `and` (conjunction true) or `or` of the children, with constant children folded. */
  private logical(conjunction: boolean, args: Plan[], neg: boolean): RowPredicate {
    const identity = conjunction ? ALWAYS : NEVER;
    const absorbing = conjunction ? NEVER : ALWAYS;
    const parts: RowPredicate[] = [];
    for (const a of args) {
      const f = this.node(a, neg);
      if (f === absorbing) return absorbing;
      if (f !== identity) parts.push(f);
    }
    if (parts.length === 0) return identity;
    if (parts.length === 1) return parts[0];
    return conjunction ? all(parts) : some(parts);
  }

  /** Leaves that are unknown (false under negation too) when their value is null. */
  private comparison(p: Exclude<Plan, { op: 'const' | 'not' | 'and' | 'or' | 'is-null' | 'exists' }>, neg: boolean): RowPredicate {
    switch (p.op) {
      case 'cmp':
        return this.compareOperand(p.left, p.cmp, p.value, neg);
      case 'fields': {
        const l = this.data(p.left);
        const r = this.data(p.right);
        if (l === null || r === null) return NEVER;
        return this.fieldsCompare(l, r, neg ? NEGATED[p.cmp] : p.cmp);
      }
      case 'bool': {
        const data = this.data(p.col);
        if (data === null) return NEVER;
        const want = !neg;
        if (p.col.path.length === 0) return (r) => data[r] === want;
        const get = pathGetter(data, p.col.path);
        return (r) => get(r) === want;
      }
      case 'in': {
        const data = this.data(p.col);
        if (data === null) return NEVER;
        if (!neg && p.col.valueType !== 'float32' && p.col.path.length === 0) {
          // Constants are never null, so a null value simply is not found.
          if (p.values.length === 1) {
            const only = p.values[0];
            return (r) => data[r] === only;
          }
          const set = new Set<unknown>(p.values);
          return (r) => set.has(data[r]);
        }
        return leaf(pathGetter(data, p.col.path), inTest(p.col.valueType, p.values), neg);
      }
      case 'range':
        return this.withColumn(p.col, rangeTest(p.col.valueType, p.lower, p.lowerInclusive, p.upper, p.upperInclusive), neg);
      case 'like':
        return this.withColumn(p.col, likeTest(p.pattern), neg);
      case 'contains':
        return this.withColumn(p.col, containsTest(p.mode, p.values, p.col.elementType === 'Float'), neg);
    }
  }

  private withColumn(col: ColumnRef, test: ValueTest, neg: boolean): RowPredicate {
    const data = this.data(col);
    if (data === null) return NEVER;
    return leaf(pathGetter(data, col.path), test, neg);
  }

  /**
   * `operand cmp value`. For typed values the negation is the opposite comparison (`<` and
   * `>=`), which is exact. JSON values may hold another type than the constant, so there the
   * original comparison is tested and its result inverted instead.
   */
  private compareOperand(o: Operand, cmp: CmpOp, value: ConstValue, neg: boolean): RowPredicate {
    const op = neg ? NEGATED[cmp] : cmp;
    if (o.kind === 'column' && plainTyped(o.col)) {
      const data = this.data(o.col);
      return data === null ? NEVER : plainCompare(data, op, value as Scalar);
    }
    const get = operandGetter(o, (x) => this.data(x.col));
    if (get === null) return NEVER;
    if (o.kind === 'column' && o.col.valueType === 'json') {
      if (!neg && cmp === '==' && typeof value !== 'object') return (r) => get(r) === value;
      return leaf(get, compareTest('json', cmp, value), neg);
    }
    // Arithmetic and array_length yield numbers (or null).
    const vt = o.kind === 'column' ? o.col.valueType : 'float';
    return leaf(get, compareTest(vt, op, value), false);
  }

  private fieldsCompare(l: ColumnData, r: ColumnData, op: CmpOp): RowPredicate {
    const a = l as ArrayLike<number | string | boolean | null | undefined>;
    const b = r as ArrayLike<number | string | boolean | null | undefined>;
    switch (op) {
      case '==':
        return (i) => a[i] != null && a[i] === b[i];
      case '!=':
        return (i) => a[i] != null && b[i] != null && a[i] !== b[i];
      case '<':
        return (i) => a[i] != null && b[i] != null && (a[i] as number) < (b[i] as number);
      case '<=':
        return (i) => a[i] != null && b[i] != null && (a[i] as number) <= (b[i] as number);
      case '>':
        return (i) => a[i] != null && b[i] != null && (a[i] as number) > (b[i] as number);
      case '>=':
        return (i) => a[i] != null && b[i] != null && (a[i] as number) >= (b[i] as number);
    }
  }
}
