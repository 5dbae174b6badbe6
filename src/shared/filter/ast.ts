/**
 * Syntax tree of a Milvus boolean filter expression, as produced by the parser and before any
 * check against a collection schema. Nodes carry the character offset where they start so that
 * semantic errors can point at the offending part of the expression.
 */

/** Binary operators, from tightest to loosest binding. */
export type BinaryOp =
  | '**'
  | '*' | '/' | '%'
  | '+' | '-'
  | '<<' | '>>'
  | '<' | '<=' | '>' | '>='
  | '==' | '!='
  | '&' | '^' | '|'
  | 'and' | 'or';

export type UnaryOp = '+' | '-' | '~' | 'not';

/** One step of a JSON path (`f["k"]`) or an array index (`f[0]`). */
export type PathKey = string | number;

interface NodeBase {
  /** Character offset in the expression where the node starts. */
  offset: number;
  /** True when the node was written inside parentheses (a range bound cannot be). */
  parens?: boolean;
}

export interface IntLiteral extends NodeBase {
  kind: 'int';
  value: number;
}
export interface FloatLiteral extends NodeBase {
  kind: 'float';
  value: number;
}
export interface BoolLiteral extends NodeBase {
  kind: 'bool';
  value: boolean;
}
export interface StringLiteral extends NodeBase {
  kind: 'string';
  value: string;
}
/** A bare name: a schema field, `$meta`, or (with dynamic fields on) a dynamic key. */
export interface Identifier extends NodeBase {
  kind: 'ident';
  name: string;
}
/** `name["k"][0]...`: a JSON path, an array element, or a nested dynamic key. */
export interface PathAccess extends NodeBase {
  kind: 'path';
  name: string;
  path: PathKey[];
}
/** `{name}`: filled from the request's exprParams. */
export interface Template extends NodeBase {
  kind: 'template';
  name: string;
}
export interface ArrayLiteral extends NodeBase {
  kind: 'array';
  items: Node[];
}
export interface Exists extends NodeBase {
  kind: 'exists';
  operand: Node;
}
export interface Like extends NodeBase {
  kind: 'like';
  left: Node;
  pattern: Node;
}
/** A function call. `name` is lower-cased; named arguments (`slop=1`) keep their name. */
export interface Call extends NodeBase {
  kind: 'call';
  name: string;
  args: Node[];
  named: Record<string, Node>;
}
export interface Unary extends NodeBase {
  kind: 'unary';
  op: UnaryOp;
  operand: Node;
}
export interface Binary extends NodeBase {
  kind: 'binary';
  op: BinaryOp;
  left: Node;
  right: Node;
  /** Offset of the operator token, for error messages. */
  opOffset: number;
}
export interface In extends NodeBase {
  kind: 'in';
  negated: boolean;
  left: Node;
  list: Node;
}
/** `lower < f < upper` or `upper > f > lower`, normalised so `lower` is the smaller bound. */
export interface Range extends NodeBase {
  kind: 'range';
  lower: Node;
  lowerInclusive: boolean;
  field: Identifier | PathAccess;
  upper: Node;
  upperInclusive: boolean;
}
export interface IsNull extends NodeBase {
  kind: 'is-null';
  negated: boolean;
  operand: Identifier | PathAccess;
}

export type Node =
  | IntLiteral
  | FloatLiteral
  | BoolLiteral
  | StringLiteral
  | Identifier
  | PathAccess
  | Template
  | ArrayLiteral
  | Exists
  | Like
  | Call
  | Unary
  | Binary
  | In
  | Range
  | IsNull;

/** Renders a node back to expression text; used in error messages and tests of precedence. */
export function show(n: Node): string {
  switch (n.kind) {
    case 'int':
    case 'float':
    case 'bool':
      return String(n.value);
    case 'string':
      return JSON.stringify(n.value);
    case 'ident':
      return n.name;
    case 'path':
      return n.name + n.path.map((k) => `[${JSON.stringify(k)}]`).join('');
    case 'template':
      return `{${n.name}}`;
    case 'array':
      return `[${n.items.map(show).join(', ')}]`;
    case 'exists':
      return `(exists ${show(n.operand)})`;
    case 'like':
      return `(${show(n.left)} like ${show(n.pattern)})`;
    case 'call': {
      const named = Object.entries(n.named).map(([k, v]) => `${k}=${show(v)}`);
      return `${n.name}(${[...n.args.map(show), ...named].join(', ')})`;
    }
    case 'unary':
      return n.op === 'not' ? `(not ${show(n.operand)})` : `(${n.op}${show(n.operand)})`;
    case 'binary':
      return `(${show(n.left)} ${n.op} ${show(n.right)})`;
    case 'in':
      return `(${show(n.left)} ${n.negated ? 'not in' : 'in'} ${show(n.list)})`;
    case 'range':
      return `(${show(n.lower)} ${n.lowerInclusive ? '<=' : '<'} ${show(n.field)} ${n.upperInclusive ? '<=' : '<'} ${show(n.upper)})`;
    case 'is-null':
      return `(${show(n.operand)} ${n.negated ? 'is not null' : 'is null'})`;
  }
}
