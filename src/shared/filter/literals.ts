/**
 * Decoding of literal token text: C-style integers (decimal, octal, hex, binary), decimal and
 * hexadecimal floats, and quoted strings with C escapes; and the syntax nodes the parser makes
 * of literal tokens and `[key]` path steps.
 */
import type { IToken } from 'chevrotain';
import type { Node, PathKey } from './ast.ts';
import { FilterIssue, semantic } from './issue.ts';
import * as T from './lexer.ts';

const INT64_MAX = 9223372036854775807n;

/** Parsed number literal or an error message. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Value of an integer literal. A leading 0 means octal, as in C and Go's ParseInt(s, 0, 64).
 * Values beyond int64 are rejected like Milvus does; values beyond 2^53 lose precision because
 * Int64 data is held as JS numbers throughout quiver.
 */
export function decodeInt(text: string): Decoded<number> {
  // Short decimal literals (ids in long `in` lists) are exact as doubles; skip BigInt.
  if (text.length <= 15 && (text.length === 1 || text.charCodeAt(0) !== 48)) return { ok: true, value: Number(text) };
  let big: bigint;
  if (/^0[0-7]+$/.test(text)) big = BigInt(`0o${text.slice(1)}`);
  else if (/^0[bB]/.test(text)) big = BigInt(`0b${text.slice(2)}`);
  else big = BigInt(text); // decimal and 0x forms are understood natively
  if (big > INT64_MAX) {
    return { ok: false, error: `strconv.ParseInt: parsing "${text}": value out of range` };
  }
  return { ok: true, value: Number(big) };
}

/** Value of a float literal: decimal (`1.5`, `.5`, `1e3`) or hexadecimal (`0x1.8p3`). */
export function decodeFloat(text: string): Decoded<number> {
  if (/^0[xX]/.test(text)) {
    const m = /^0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(text);
    if (!m) return { ok: false, error: `invalid float literal ${text}` };
    const digits = m[1] + m[2];
    let mantissa = 0;
    for (const d of digits) mantissa = mantissa * 16 + parseInt(d, 16);
    return { ok: true, value: mantissa * 2 ** (Number(m[3]) - 4 * m[2].length) };
  }
  const v = Number(text);
  if (Number.isNaN(v)) return { ok: false, error: `invalid float literal ${text}` };
  return { ok: true, value: v };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  "'": "'",
  '"': '"',
  '?': '?',
  '\\': '\\',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/**
 * Contents of a quoted string token (with an optional u8/u/U/L prefix, or r/R for raw).
 * C escapes are decoded. An unknown escape such as `\%` is kept as written, backslash included,
 * because LIKE patterns use `\` to escape `%` and `_` and users write a single backslash.
 */
export function decodeString(token: string): Decoded<string> {
  let start = 0;
  while (token[start] !== '"' && token[start] !== "'") start++;
  const raw = start > 0 && /[rR]/.test(token[0]);
  const body = token.slice(start + 1, -1);
  if (raw) return { ok: true, value: body };
  if (!body.includes('\\')) return { ok: true, value: body };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    if (n === undefined) break;
    const simple = SIMPLE_ESCAPES[n];
    if (simple !== undefined) {
      out += simple;
    } else if (n >= '0' && n <= '7') {
      let j = i;
      while (j < i + 3 && body[j] >= '0' && body[j] <= '7') j++;
      out += String.fromCharCode(parseInt(body.slice(i, j), 8));
      i = j - 1;
    } else if (n === 'x' || n === 'u' || n === 'U') {
      const len = n === 'x' ? 2 : n === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) {
        return { ok: false, error: `invalid escape sequence \\${n}${hex}` };
      }
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) return { ok: false, error: `invalid escape sequence \\${n}${hex}` };
      out += String.fromCodePoint(cp);
      i += len;
    } else if (n === '\n') {
      // Line continuation: the backslash-newline pair disappears, as in C.
    } else if (n === '\r') {
      if (body[i + 1] === '\n') i++;
    } else {
      out += '\\' + n;
    }
  }
  return { ok: true, value: out };
}

/** The decoded contents of a string token. */
function stringValue(tok: IToken): string {
  const d = decodeString(tok.image);
  if (!d.ok) throw new FilterIssue('syntax', tok.startOffset, d.error);
  return d.value;
}

/** The value of a literal token as a syntax node. */
export function literal(tok: IToken): Node {
  const offset = tok.startOffset;
  switch (tok.tokenType) {
    case T.IntegerLiteral: {
      const d = decodeInt(tok.image);
      if (!d.ok) throw semantic(offset, d.error);
      return { kind: 'int', value: d.value, offset };
    }
    case T.FloatLiteral: {
      const d = decodeFloat(tok.image);
      if (!d.ok) throw semantic(offset, d.error);
      return { kind: 'float', value: d.value, offset };
    }
    case T.BooleanLiteral:
      return { kind: 'bool', value: tok.image.toLowerCase() === 'true', offset };
    default:
      return { kind: 'string', value: stringValue(tok), offset };
  }
}

/** A `[key]` step: a quoted key or a decimal index, as Milvus's JSON identifiers allow. */
export function pathKey(tok: IToken): PathKey {
  if (tok.tokenType === T.IntegerLiteral) {
    if (!/^(0|[1-9][0-9]*)$/.test(tok.image)) {
      throw semantic(tok.startOffset, `json key must be enclosed in double quotes or single quotes: "${tok.image}"`);
    }
    return Number(tok.image);
  }
  const key = stringValue(tok);
  if (key === '') throw semantic(tok.startOffset, 'invalid identifier: empty json key');
  return key;
}
