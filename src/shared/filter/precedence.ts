/**
 * Binary operator precedence. The parser reads a flat `operand (op operand)*` sequence and this
 * module builds the tree (shunting-yard), which is much faster than one grammar rule per
 * precedence level: a list element then passes through a handful of rules instead of fifteen.
 *
 * Levels follow Milvus's Plan.g4 (higher binds tighter), all left-associative:
 * `* / %` > `+ -` > `<< >>` > `[not] in` > `< <= > >=` (and ranges) > `== !=` > `&` > `^` > `|`
 * > `and` > `or`.
 */
import type { IToken } from 'chevrotain';
import type { BinaryOp, Identifier, Node, PathAccess } from './ast.ts';

/** A binary operator occurrence: its text and where it was written. */
export interface OpToken {
  op: Exclude<BinaryOp, '**'> | 'in' | 'not in';
  offset: number;
}

const LEVEL: Record<OpToken['op'], number> = {
  '*': 10, '/': 10, '%': 10,
  '+': 9, '-': 9,
  '<<': 8, '>>': 8,
  in: 7, 'not in': 7,
  '<': 6, '<=': 6, '>': 6, '>=': 6,
  '==': 5, '!=': 5,
  '&': 4, '^': 3, '|': 2,
  and: 1, or: 0,
};

const TOKEN_OP: Record<string, Exclude<BinaryOp, '**'> | 'in'> = {
  Mul: '*', Div: '/', Mod: '%', Plus: '+', Minus: '-', Shl: '<<', Shr: '>>', In: 'in',
  Lt: '<', Le: '<=', Gt: '>', Ge: '>=', Eq: '==', Ne: '!=', BitAnd: '&', BitXor: '^',
  BitOr: '|', And: 'and', Or: 'or',
};

/** The operator of a BinaryOp-category token; `negated` marks the `not in` form. */
export function opToken(tok: IToken, negated: boolean): OpToken {
  return { op: negated ? 'not in' : TOKEN_OP[tok.tokenType.name], offset: tok.startOffset };
}

const ASCENDING = new Set(['<', '<=']);
const DESCENDING = new Set(['>', '>=']);

function isBareField(n: Node): n is Identifier | PathAccess {
  return (n.kind === 'ident' || n.kind === 'path') && !n.parens;
}

/**
 * One operator application. `lo < f < hi` arrives as `(lo < f) < hi`; when the inner
 * comparison is unparenthesised, points the same way and has a bare field in the middle, the
 * pair becomes a range, which is how Milvus reads such chains.
 */
function apply(op: OpToken, left: Node, right: Node): Node {
  if (op.op === 'in' || op.op === 'not in') {
    return { kind: 'in', negated: op.op === 'not in', left, list: right, offset: left.offset };
  }
  if (left.kind === 'binary' && !left.parens && isBareField(left.right)) {
    const inner = left.op;
    if (ASCENDING.has(inner) && ASCENDING.has(op.op)) {
      return { kind: 'range', lower: left.left, lowerInclusive: inner === '<=', field: left.right, upper: right, upperInclusive: op.op === '<=', offset: left.offset };
    }
    if (DESCENDING.has(inner) && DESCENDING.has(op.op)) {
      return { kind: 'range', lower: right, lowerInclusive: op.op === '>=', field: left.right, upper: left.left, upperInclusive: inner === '>=', offset: left.offset };
    }
  }
  return { kind: 'binary', op: op.op, left, right, offset: left.offset, opOffset: op.offset };
}

/** Builds the tree for `operands[0] ops[0] operands[1] ops[1] ...`. */
export function buildBinary(operands: Node[], ops: OpToken[]): Node {
  if (ops.length === 0) return operands[0];
  const out: Node[] = [operands[0]];
  const pending: OpToken[] = [];
  const reduce = (): void => {
    const op = pending.pop() as OpToken;
    const right = out.pop() as Node;
    const left = out.pop() as Node;
    out.push(apply(op, left, right));
  };
  for (let i = 0; i < ops.length; i++) {
    const level = LEVEL[ops[i].op];
    while (pending.length > 0 && LEVEL[pending[pending.length - 1].op] >= level) reduce();
    pending.push(ops[i]);
    out.push(operands[i + 1]);
  }
  while (pending.length > 0) reduce();
  return out[0];
}
