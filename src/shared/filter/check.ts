/**
 * Semantic check of a syntax tree against a collection schema, producing the executable Plan.
 * Every failure is a FilterIssue pointing at the offending sub-expression.
 */
import type { CollectionInfo } from '../schema/types.ts';
import type { Binary, Node, Unary } from './ast.ts';
import { combine, negate, showVal, toPlan, type Val } from './checked.ts';
import { arithmetic, compare, like, membership, range } from './compare.ts';
import { foldNegate, foldPow } from './fold.ts';
import { checkCall, checkCallName } from './functions.ts';
import { semantic } from './issue.ts';
import type { CmpOp, ColumnRef, Plan } from './plan.ts';
import { isNumber, lookupTemplate, resolveColumn, showConst, type Const } from './resolve.ts';

/** Milvus's names for the bitwise operators it parses but refuses. */
const UNSUPPORTED_OPS: Partial<Record<Binary['op'], string>> = {
  '&': 'BitAnd',
  '|': 'BitOr',
  '^': 'BitXor',
  '<<': 'shift',
  '>>': 'shift',
};

const CMP_OPS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);

/** Checks a parsed filter and returns its plan. */
export function checkFilter(tree: Node, collection: CollectionInfo, params: Record<string, unknown> | undefined): Plan {
  const checker = new Checker(collection, params);
  return toPlan(checker.visit(tree), tree.offset, 'predicate is not a boolean expression');
}

class Checker {
  private readonly columns = new Map<string, ColumnRef>();

  constructor(
    private readonly collection: CollectionInfo,
    private readonly params: Record<string, unknown> | undefined,
  ) {}

  visit(n: Node): Val {
    switch (n.kind) {
      case 'int':
        return this.constant({ k: 'int', v: n.value });
      case 'float':
        return this.constant({ k: 'float', v: n.value });
      case 'bool':
        return this.constant({ k: 'bool', v: n.value });
      case 'string':
        return this.constant({ k: 'str', v: n.value });
      case 'template':
        return this.constant(lookupTemplate(this.params, n.name, n.offset));
      case 'array':
        return this.constant({ k: 'arr', v: n.items.map((item) => this.constOf(item, 'array element type must be generic value')) });
      case 'ident':
        return { t: 'operand', o: { kind: 'column', col: this.column(n.name, n.offset) } };
      case 'path':
        return { t: 'operand', o: { kind: 'column', col: resolveColumn(this.collection, n.name, n.path, n.offset) } };
      case 'exists':
        return this.exists(n.operand, n.offset);
      case 'like':
        return { t: 'pred', p: like(this.visit(n.left), this.visit(n.pattern), n.offset) };
      case 'call':
        // The function name is judged before its arguments so `text_match(...)` reports
        // itself as unsupported rather than complaining about an argument.
        checkCallName(n);
        return checkCall(n, n.args.map((a) => this.visit(a)));
      case 'unary':
        return this.unary(n);
      case 'binary':
        return this.binary(n);
      case 'in': {
        const p = membership(this.visit(n.left), this.visit(n.list), n.offset);
        return { t: 'pred', p: n.negated ? negate(p) : p };
      }
      case 'range': {
        const col = resolveColumn(this.collection, n.field.name, n.field.kind === 'path' ? n.field.path : [], n.field.offset);
        const p = range(col, this.visit(n.lower), n.lowerInclusive, this.visit(n.upper), n.upperInclusive, n.offset);
        return { t: 'pred', p };
      }
      case 'is-null': {
        const f = n.operand;
        const col = resolveColumn(this.collection, f.name, f.kind === 'path' ? f.path : [], f.offset);
        const p: Plan = { op: 'is-null', col };
        return { t: 'pred', p: n.negated ? negate(p) : p };
      }
    }
  }

  /** Resolves a bare name once per filter (long `or` chains repeat the same field). */
  private column(name: string, offset: number): ColumnRef {
    let col = this.columns.get(name);
    if (col === undefined) {
      col = resolveColumn(this.collection, name, [], offset);
      this.columns.set(name, col);
    }
    return col;
  }

  private constant(c: Const): Val {
    return { t: 'const', c };
  }

  private constOf(n: Node, context: string): Const {
    const v = this.visit(n);
    if (v.t !== 'const') throw semantic(n.offset, `${context}, but got: ${showVal(v)}`);
    return v.c;
  }

  private exists(operand: Node, offset: number): Val {
    const v = this.visit(operand);
    if (v.t !== 'operand' || v.o.kind !== 'column') {
      throw semantic(offset, `exists operations are only supported on single fields now, got: ${showVal(v)}`);
    }
    const col = v.o.col;
    if (col.dataType !== 'JSON') throw semantic(offset, `exists operations are only supported on json field, got: ${col.dataType}`);
    if (col.path.length === 0) throw semantic(offset, 'exists operations are only supported on json key');
    return { t: 'pred', p: { op: 'exists', col } };
  }

  private unary(n: Unary): Val {
    const v = this.visit(n.operand);
    switch (n.op) {
      case '~':
        throw semantic(n.offset, 'BitNot is not supported');
      case 'not':
        if (v.t === 'const' && v.c.k !== 'bool') {
          throw semantic(n.offset, `not op can only be applied on boolean expression, got: ${showConst(v.c)}`);
        }
        return { t: 'pred', p: negate(toPlan(v, n.offset, 'not op can only be applied on boolean expression')) };
      case '-':
        if (v.t !== 'const') throw semantic(n.offset, `unary minus can only be applied to constants, got: -${showVal(v)}`);
        return this.constant(foldNegate(v.c, n.offset));
      case '+':
        if (v.t === 'const' && isNumber(v.c)) return v;
        if (v.t === 'operand') return v;
        if (v.t === 'const') throw semantic(n.offset, `unary plus cannot be applied to ${showConst(v.c)}`);
        throw semantic(n.offset, 'unary plus cannot be applied to a boolean expression');
    }
  }

  /**
   * A chain `a or b or c ...` arrives as a left-deep tree; it is walked iteratively so a
   * filter listing thousands of alternatives cannot exhaust the stack.
   */
  private logical(n: Binary, op: 'and' | 'or'): Val {
    const operands: Node[] = [];
    let cur: Node = n;
    while (cur.kind === 'binary' && cur.op === op) {
      operands.push(cur.right);
      cur = cur.left;
    }
    operands.push(cur);
    operands.reverse();
    const context = `'${op}' can only be used between boolean expressions`;
    const plans = operands.map((o) => toPlan(this.visit(o), o.offset, context));
    return { t: 'pred', p: combine(op, plans) };
  }

  private binary(n: Binary): Val {
    const unsupported = UNSUPPORTED_OPS[n.op];
    if (unsupported !== undefined) throw semantic(n.opOffset, `${unsupported} is not supported`);
    if (n.op === 'and' || n.op === 'or') return this.logical(n, n.op);
    const left = this.visit(n.left);
    const right = this.visit(n.right);
    switch (n.op) {
      case '**':
        if (left.t !== 'const' || right.t !== 'const') {
          throw semantic(n.opOffset, `power can only apply on constants: ${showVal(left)} ** ${showVal(right)}`);
        }
        return this.constant(foldPow(left.c, right.c, n.opOffset));
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return arithmetic(n.op, left, right, n.opOffset);
      default:
        if (CMP_OPS.has(n.op)) return compare(n.op as CmpOp, left, right, n.opOffset);
        throw semantic(n.opOffset, `unexpected operator ${n.op}`);
    }
  }
}
