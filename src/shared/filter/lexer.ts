/**
 * Tokens of the Milvus filter language. Keywords are accepted in lower or UPPER case as Milvus
 * lists them (`and`/`AND`/`&&`, `true`/`True`/`TRUE`...); a mixed-case word such as `And` is an
 * ordinary identifier, again like Milvus.
 *
 * Chevrotain tries token patterns in the order given (first match wins, not longest), so
 * longer operators come before their prefixes and keywords name Identifier as `longer_alt`
 * so that `android` or `inside` lex as identifiers.
 */
import { createToken, Lexer, type IToken, type TokenType } from 'chevrotain';
import { FilterIssue } from './issue.ts';

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED, line_breaks: true });

const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{N}_]/u;

function isAsciiIdentPart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

function isIdentPart(ch: string | undefined): boolean {
  return ch !== undefined && IDENT_PART.test(ch);
}

/**
 * Identifiers may use any Unicode letter (Milvus accepts e.g. Chinese field names). Chevrotain
 * drops a RegExp's `u` flag, so this is a custom matcher. ASCII is checked by char code (the
 * common case, and lexing long `in` lists must stay fast); other characters by code point.
 */
function matchIdentifier(text: string, offset: number): RegExpExecArray | null {
  let end = offset;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (c < 128) {
      if (!isAsciiIdentPart(c) || (end === offset && c <= 57 && c >= 48)) break;
      end++;
      continue;
    }
    const cp = text.codePointAt(end) as number;
    const ch = String.fromCodePoint(cp);
    if (!(end === offset ? IDENT_START : IDENT_PART).test(ch)) break;
    end += ch.length;
  }
  return end === offset ? null : execResult(text.slice(offset, end));
}

/**
 * Start characters for the identifier matcher, so chevrotain keeps its first-character
 * dispatch. Above ASCII it buckets char codes by 255, so one character per bucket covers all.
 */
function identifierStartHints(): string[] {
  const hints: string[] = ['_'];
  for (let c = 65; c <= 90; c++) hints.push(String.fromCharCode(c), String.fromCharCode(c + 32));
  for (let c = 256; c < 65536; c += 255) hints.push(String.fromCharCode(c));
  hints.push(String.fromCharCode(65535));
  for (let c = 128; c < 256; c++) if (IDENT_START.test(String.fromCharCode(c))) hints.push(String.fromCharCode(c));
  return hints;
}

/** Chevrotain's custom matchers return a RegExp-exec-like array whose [0] is the token text. */
function execResult(image: string): RegExpExecArray {
  return [image] as unknown as RegExpExecArray;
}

/** Matches `word` in lower or upper case at `at`; returns the offset after it or -1. */
function matchWord(text: string, at: number, word: string): number {
  const s = text.slice(at, at + word.length);
  return s === word || s === word.toUpperCase() ? at + word.length : -1;
}

function skipSpace(text: string, at: number): number {
  let i = at;
  while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  return i;
}

/** `is null` / `is not null` with any run of whitespace between the words. */
function nullTest(negated: boolean) {
  return (text: string, offset: number): RegExpExecArray | null => {
    let i = matchWord(text, offset, 'is');
    if (i < 0) return null;
    const words = negated ? ['not', 'null'] : ['null'];
    for (const w of words) {
      const j = skipSpace(text, i);
      if (j === i) return null;
      i = matchWord(text, j, w);
      if (i < 0) return null;
    }
    if (isIdentPart(text[i])) return null; // `is nullable` is not `is null`
    return execResult(text.slice(offset, i));
  };
}

export const Identifier = createToken({
  name: 'Identifier',
  label: 'Identifier',
  pattern: matchIdentifier,
  start_chars_hint: identifierStartHints(),
  line_breaks: false,
});

function keyword(name: string, pattern: RegExp): TokenType {
  return createToken({ name, pattern, longer_alt: Identifier });
}

export const IsNotNull = createToken({
  name: 'IsNotNull',
  pattern: nullTest(true),
  start_chars_hint: ['i', 'I'],
  line_breaks: true,
});
export const IsNull = createToken({
  name: 'IsNull',
  pattern: nullTest(false),
  start_chars_hint: ['i', 'I'],
  line_breaks: true,
});

/** Category of the four literal kinds, for the list-element fast path in the parser. */
export const Literal = createToken({ name: 'Literal', label: 'a literal', pattern: Lexer.NA });

export const FloatLiteral = createToken({
  name: 'FloatLiteral',
  categories: [Literal],
  pattern:
    /0[xX](?:[0-9a-fA-F]*\.[0-9a-fA-F]+|[0-9a-fA-F]+\.?)[pP][+-]?[0-9]+|(?:[0-9]*\.[0-9]+|[0-9]+\.)(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+/,
});
export const IntegerLiteral = createToken({
  name: 'IntegerLiteral',
  categories: [Literal],
  pattern: /0[xX][0-9a-fA-F]+|0[bB][01]+|[1-9][0-9]*|0[0-7]*/,
});
export const StringLiteral = createToken({
  name: 'StringLiteral',
  categories: [Literal],
  pattern:
    /(?:[rR]|u8|[uUL])?(?:"(?:[^"\\\r\n]|\\(?:\r\n|[^]))*"|'(?:[^'\\\r\n]|\\(?:\r\n|[^]))*')/,
  start_chars_hint: ['"', "'", 'r', 'R', 'u', 'U', 'L'],
  line_breaks: true,
});
export const Meta = createToken({ name: 'Meta', pattern: /\$meta/ });

// Categories let the parser consume any binary (or prefix) operator with one CONSUME; the
// binary precedence levels are then resolved in one pass instead of one rule per level.
export const BinaryOp = createToken({ name: 'BinaryOp', label: 'an operator', pattern: Lexer.NA });
export const PrefixOp = createToken({ name: 'PrefixOp', label: 'an expression', pattern: Lexer.NA });

export const BooleanLiteral = createToken({
  name: 'BooleanLiteral',
  pattern: /true|True|TRUE|false|False|FALSE/,
  longer_alt: Identifier,
  categories: [Literal],
});
export const And = createToken({ name: 'And', pattern: /&&|and|AND/, longer_alt: Identifier, categories: [BinaryOp] });
export const Or = createToken({ name: 'Or', pattern: /\|\||or|OR/, longer_alt: Identifier, categories: [BinaryOp] });
export const In = createToken({ name: 'In', pattern: /in|IN/, longer_alt: Identifier, categories: [BinaryOp] });
export const Like = keyword('Like', /like|LIKE/);
export const Exists = keyword('Exists', /exists|EXISTS/);

function op(name: string, pattern: RegExp, label: string, categories: TokenType[] = []): TokenType {
  return createToken({ name, pattern, label: `'${label}'`, categories });
}

export const Pow = op('Pow', /\*\*/, '**');
export const Mul = op('Mul', /\*/, '*', [BinaryOp]);
export const Div = op('Div', /\//, '/', [BinaryOp]);
export const Mod = op('Mod', /%/, '%', [BinaryOp]);
export const Plus = op('Plus', /\+/, '+', [BinaryOp, PrefixOp]);
export const Minus = op('Minus', /-/, '-', [BinaryOp, PrefixOp]);
export const Shl = op('Shl', /<</, '<<', [BinaryOp]);
export const Shr = op('Shr', />>/, '>>', [BinaryOp]);
export const Le = op('Le', /<=/, '<=', [BinaryOp]);
export const Lt = op('Lt', /</, '<', [BinaryOp]);
export const Ge = op('Ge', />=/, '>=', [BinaryOp]);
export const Gt = op('Gt', />/, '>', [BinaryOp]);
export const Eq = op('Eq', /==/, '==', [BinaryOp]);
export const Ne = op('Ne', /!=/, '!=', [BinaryOp]);
export const Assign = op('Assign', /=/, '=');
// `!` and `not` are the same operator; `!=` is listed before it so it wins.
export const Not = createToken({ name: 'Not', pattern: /!|not|NOT/, longer_alt: Identifier, categories: [PrefixOp] });
export const BitAnd = op('BitAnd', /&/, '&', [BinaryOp]);
export const BitOr = op('BitOr', /\|/, '|', [BinaryOp]);
export const BitXor = op('BitXor', /\^/, '^', [BinaryOp]);
export const BitNot = op('BitNot', /~/, '~', [PrefixOp]);
export const LParen = op('LParen', /\(/, '(');
export const RParen = op('RParen', /\)/, ')');
export const LBracket = op('LBracket', /\[/, '[');
export const RBracket = op('RBracket', /]/, ']');
export const LBrace = op('LBrace', /\{/, '{');
export const RBrace = op('RBrace', /}/, '}');
export const Comma = op('Comma', /,/, ',');

/** All token types in matching order. */
export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  IsNotNull,
  IsNull,
  FloatLiteral,
  IntegerLiteral,
  StringLiteral,
  Meta,
  Pow,
  Mul,
  Div,
  Mod,
  Plus,
  Minus,
  Shl,
  Shr,
  Le,
  Lt,
  Ge,
  Gt,
  Eq,
  Ne,
  Assign,
  BooleanLiteral,
  And,
  Or,
  In,
  Like,
  Exists,
  Not,
  Identifier,
  BitAnd,
  BitOr,
  BitXor,
  BitNot,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Comma,
  BinaryOp,
  PrefixOp,
  Literal,
];

/**
 * The lexer is immutable once built and tokenize() keeps no state between calls, so one shared
 * instance is safe and avoids re-analysing the token patterns on every compile.
 */
const LEXER = new Lexer(ALL_TOKENS, { positionTracking: 'onlyOffset', recoveryEnabled: false });

/** Tokens of `text`, or a FilterIssue at the first character no token matches. */
export function tokenize(text: string): IToken[] {
  const result = LEXER.tokenize(text);
  if (result.errors.length > 0) {
    const e = result.errors[0];
    const bad = text.slice(e.offset, e.offset + Math.max(1, e.length));
    throw new FilterIssue('syntax', e.offset, `token recognition error at: '${bad}'`);
  }
  return result.tokens;
}

/** Deepest nesting of brackets and prefix operators accepted; Milvus also limits depth. */
export const MAX_NESTING_DEPTH = 200;

/** Rejects input nested deeper than MAX_NESTING_DEPTH before the recursive parser sees it. */
export function checkNesting(tokens: IToken[]): void {
  let depth = 0;
  let prefixRun = 0;
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === LParen || type === LBracket || type === LBrace) depth++;
    else if (type === RParen || type === RBracket || type === RBrace) depth--;
    prefixRun = type === Not || type === Minus || type === Plus || type === BitNot || type === Exists ? prefixRun + 1 : 0;
    if (depth + prefixRun > MAX_NESTING_DEPTH) {
      throw new FilterIssue('syntax', t.startOffset, `expression exceeds the maximum nesting depth of ${MAX_NESTING_DEPTH}`);
    }
  }
}
