/**
 * Parser for filter expressions, producing the syntax tree in ast.ts.
 *
 * Precedence follows Milvus's Plan.g4, where an earlier alternative binds tighter:
 * primaries > `exists`, `like` > function calls > `**` > unary `+ - ~ not` > binary operators
 * (see precedence.ts). As in Milvus, unary `not` binds tighter than comparisons, so
 * `not a == 1` is `(not a) == 1`; `a not in [...]` or `not (a == 1)` say the other thing.
 * `is [not] null` applies to a field name.
 */
import { EmbeddedActionsParser, type IOrAlt, type IToken } from 'chevrotain';
import type { Identifier as IdentNode, Node, PathAccess, PathKey, UnaryOp } from './ast.ts';
import { errorMessages, FilterIssue } from './issue.ts';
import * as T from './lexer.ts';
import { literal, pathKey } from './literals.ts';
import { buildBinary, opToken, type OpToken } from './precedence.ts';

const LITERALS = new Set([T.IntegerLiteral, T.FloatLiteral, T.StringLiteral, T.BooleanLiteral]);

const PREFIX: Record<string, UnaryOp> = { Plus: '+', Minus: '-', Not: 'not', BitNot: '~' };

interface CallArg {
  name?: string;
  value: Node;
}

/**
 * Grammar rules. Tree building is wrapped in ACTION so chevrotain's grammar-recording pass
 * skips it; alternative lists that capture no local state are built once (a chevrotain
 * performance recommendation, since OR otherwise allocates them on every call).
 */
class FilterParser extends EmbeddedActionsParser {
  private readonly binaryOpAlts: IOrAlt<OpToken>[] = [
    { ALT: () => opTokenAction(this, this.CONSUME(T.BinaryOp), false) },
    {
      ALT: () => {
        const not = this.CONSUME(T.Not);
        this.CONSUME(T.In);
        return opTokenAction(this, not, true);
      },
    },
  ];

  constructor() {
    super(T.ALL_TOKENS, { maxLookahead: 2, recoveryEnabled: false, errorMessageProvider: errorMessages });
    this.performSelfAnalysis();
  }

  readonly expression = this.RULE('expression', (): Node => this.SUBRULE(this.binaryExpr));

  /** `unary (op unary)*`, all binary precedence levels at once. */
  private readonly binaryExpr = this.RULE('binaryExpr', (): Node => {
    const operands: Node[] = [this.SUBRULE(this.unaryExpr)];
    const ops: OpToken[] = [];
    this.MANY(() => {
      ops.push(this.OR(this.binaryOpAlts));
      operands.push(this.SUBRULE2(this.unaryExpr));
    });
    return this.ACTION(() => buildBinary(operands, ops));
  });

  private readonly unaryAlts: IOrAlt<Node>[] = [
    { ALT: () => this.SUBRULE(this.prefixed) },
    { ALT: () => this.SUBRULE(this.powExpr) },
  ];
  private readonly unaryExpr = this.RULE('unaryExpr', (): Node => this.OR(this.unaryAlts));

  /** A prefix operator applies to everything that binds tighter, including `**`. */
  private readonly prefixed = this.RULE('prefixed', (): Node => {
    const tok = this.CONSUME(T.PrefixOp);
    const operand = this.SUBRULE(this.unaryExpr);
    return this.ACTION((): Node => ({ kind: 'unary', op: PREFIX[tok.tokenType.name], operand, offset: tok.startOffset }));
  });

  private readonly powOperandAlts: IOrAlt<Node>[] = [
    { ALT: () => this.SUBRULE(this.prefixed) },
    { ALT: () => this.SUBRULE2(this.likeExpr) },
  ];
  private readonly powExpr = this.RULE('powExpr', (): Node => {
    let left = this.SUBRULE(this.likeExpr);
    this.MANY(() => {
      const tok = this.CONSUME(T.Pow);
      const right = this.OR(this.powOperandAlts);
      left = this.ACTION((): Node => ({ kind: 'binary', op: '**', left, right, offset: left.offset, opOffset: tok.startOffset }));
    });
    return left;
  });

  private readonly likeExpr = this.RULE('likeExpr', (): Node => {
    let left = this.SUBRULE(this.primary);
    this.MANY(() => {
      const tok = this.CONSUME(T.Like);
      const pattern = this.SUBRULE2(this.primary);
      left = this.ACTION((): Node => ({ kind: 'like', left, pattern, offset: tok.startOffset }));
    });
    return left;
  });

  private readonly primaryAlts: IOrAlt<Node>[] = [
    { ALT: () => this.literalOf(this.CONSUME(T.IntegerLiteral)) },
    { ALT: () => this.literalOf(this.CONSUME(T.FloatLiteral)) },
    { ALT: () => this.literalOf(this.CONSUME(T.BooleanLiteral)) },
    { ALT: () => this.literalOf(this.CONSUME(T.StringLiteral)) },
    { ALT: () => this.SUBRULE(this.template) },
    { ALT: () => this.SUBRULE(this.parens) },
    { ALT: () => this.SUBRULE(this.array) },
    { ALT: () => this.SUBRULE(this.exists) },
    { ALT: () => this.SUBRULE(this.named) },
  ];
  private readonly primary = this.RULE('primary', (): Node => this.OR(this.primaryAlts));

  private literalOf(tok: IToken): Node {
    return this.ACTION(() => literal(tok));
  }

  private readonly template = this.RULE('template', (): Node => {
    const open = this.CONSUME(T.LBrace);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.RBrace);
    return this.ACTION((): Node => ({ kind: 'template', name: name.image, offset: open.startOffset }));
  });

  private readonly parens = this.RULE('parens', (): Node => {
    this.CONSUME(T.LParen);
    const inner = this.SUBRULE(this.binaryExpr);
    this.CONSUME(T.RParen);
    return this.ACTION((): Node => ({ ...inner, parens: true }));
  });

  /** `[a, b, c]` or `[]`, with an optional trailing comma as Milvus allows. */
  private readonly array = this.RULE('array', (): Node => {
    const open = this.CONSUME(T.LBracket);
    const items: Node[] = [];
    this.OPTION(() => {
      items.push(this.SUBRULE(this.arrayItem));
      this.MANY({
        GATE: () => this.LA(2).tokenType !== T.RBracket,
        DEF: () => {
          this.CONSUME(T.Comma);
          items.push(this.SUBRULE2(this.arrayItem));
        },
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RBracket);
    return this.ACTION((): Node => ({ kind: 'array', items, offset: open.startOffset }));
  });

  /**
   * A list element. Long `pk in [...]` lists are the largest filters clients send, so a lone
   * literal followed by `,` or `]` is taken directly instead of descending the whole grammar.
   */
  private readonly arrayItemAlts: IOrAlt<Node>[] = [
    {
      GATE: () => LITERALS.has(this.LA(1).tokenType) && (this.LA(2).tokenType === T.Comma || this.LA(2).tokenType === T.RBracket),
      ALT: () => this.literalOf(this.CONSUME(T.Literal)),
    },
    { ALT: () => this.SUBRULE(this.binaryExpr) },
  ];
  private readonly arrayItem = this.RULE('arrayItem', (): Node => this.OR({ DEF: this.arrayItemAlts, IGNORE_AMBIGUITIES: true }));

  private readonly exists = this.RULE('exists', (): Node => {
    const tok = this.CONSUME(T.Exists);
    const operand = this.SUBRULE(this.primary);
    return this.ACTION((): Node => ({ kind: 'exists', operand, offset: tok.startOffset }));
  });

  private readonly nameAlts: IOrAlt<IToken>[] = [{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.Meta) }];
  private readonly nullAlts: IOrAlt<IToken>[] = [{ ALT: () => this.CONSUME(T.IsNull) }, { ALT: () => this.CONSUME(T.IsNotNull) }];

  /** A name followed by call arguments, or by `[key]` steps and an optional `is [not] null`. */
  private readonly named = this.RULE('named', (): Node => {
    const name = this.OR(this.nameAlts);
    const args = this.OPTION(() => this.SUBRULE(this.callArgs));
    const path: PathKey[] = [];
    this.MANY(() => {
      this.CONSUME(T.LBracket);
      const key = this.OR2([{ ALT: () => this.CONSUME(T.StringLiteral) }, { ALT: () => this.CONSUME(T.IntegerLiteral) }]);
      this.CONSUME(T.RBracket);
      this.ACTION(() => path.push(pathKey(key)));
    });
    const nullTest = this.OPTION2(() => this.OR3(this.nullAlts));
    return this.ACTION((): Node => {
      const offset = name.startOffset;
      if (args !== undefined) {
        if (name.tokenType === T.Meta || path.length > 0 || nullTest !== undefined) {
          throw new FilterIssue('syntax', offset, `invalid use of function call ${name.image}(...)`);
        }
        const named: Record<string, Node> = {};
        for (const a of args) if (a.name !== undefined) named[a.name] = a.value;
        const positional = args.filter((a) => a.name === undefined).map((a) => a.value);
        return { kind: 'call', name: name.image.toLowerCase(), args: positional, named, offset };
      }
      const field: IdentNode | PathAccess =
        path.length === 0 ? { kind: 'ident', name: name.image, offset } : { kind: 'path', name: name.image, path, offset };
      if (nullTest === undefined) return field;
      return { kind: 'is-null', negated: nullTest.tokenType === T.IsNotNull, operand: field, offset };
    });
  });

  /** `( arg, arg, ... )`, trailing comma allowed. */
  private readonly callArgs = this.RULE('callArgs', (): CallArg[] => {
    this.CONSUME(T.LParen);
    const args: CallArg[] = [];
    this.OPTION(() => {
      args.push(this.SUBRULE(this.callArg));
      this.MANY({
        GATE: () => this.LA(2).tokenType !== T.RParen,
        DEF: () => {
          this.CONSUME(T.Comma);
          args.push(this.SUBRULE2(this.callArg));
        },
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RParen);
    return args;
  });

  /** One argument; `name = value` is a named option such as `minimum_should_match=2`. */
  private readonly callArg = this.RULE('callArg', (): CallArg => {
    const name = this.OPTION({
      GATE: () => this.LA(2).tokenType === T.Assign,
      DEF: () => {
        const key = this.CONSUME(T.Identifier);
        this.CONSUME(T.Assign);
        return key;
      },
    });
    const value = this.SUBRULE(this.binaryExpr);
    return this.ACTION((): CallArg => (name === undefined ? { value } : { name: name.image.toLowerCase(), value }));
  });
}

/** Builds an operator record only outside chevrotain's recording pass. */
function opTokenAction(p: FilterParser, tok: IToken, negated: boolean): OpToken {
  return (p as unknown as { ACTION<R>(f: () => R): R }).ACTION(() => opToken(tok, negated));
}

/**
 * chevrotain analyses a grammar once per parser instance, which is too slow to repeat per
 * filter, so one instance is shared. That is safe: parse() is synchronous, assigning `input`
 * resets all of the parser's state, and nothing is kept between calls.
 */
const PARSER = new FilterParser();

/**
 * Parses a (non-empty) filter expression into its syntax tree.
 * @throws FilterIssue with the offset of the first token that does not fit the grammar.
 */
export function parse(text: string): Node {
  const tokens = T.tokenize(text);
  T.checkNesting(tokens);
  PARSER.input = tokens;
  try {
    const tree = PARSER.expression();
    const e = PARSER.errors[0];
    if (e !== undefined) {
      const offset = Number.isFinite(e.token.startOffset) ? e.token.startOffset : text.length;
      throw new FilterIssue('syntax', offset, e.message);
    }
    return tree;
  } finally {
    PARSER.input = [];
  }
}
