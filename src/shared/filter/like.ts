/**
 * LIKE patterns: `%` matches any run of characters, `_` exactly one character (code point),
 * and `\` makes the next character literal. Like Milvus, the common shapes get cheap string
 * operations (`p%` prefix, `%p` suffix, `%p%` infix, no wildcard at all is equality) and only
 * other patterns become a regular expression.
 */

/** Tests one string against a compiled pattern. */
export type StringMatcher = (s: string) => boolean;

type Piece = { kind: 'text'; text: string } | { kind: 'any' } | { kind: 'one' };

/** Splits a pattern into literal runs and wildcards, resolving `\` escapes. */
export function parseLike(pattern: string): Piece[] {
  const pieces: Piece[] = [];
  let text = '';
  const flush = (): void => {
    if (text !== '') pieces.push({ kind: 'text', text });
    text = '';
  };
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '\\' && i + 1 < chars.length) {
      text += chars[++i];
    } else if (c === '%') {
      flush();
      // Consecutive `%` mean the same as one.
      if (pieces.length === 0 || pieces[pieces.length - 1].kind !== 'any') pieces.push({ kind: 'any' });
    } else if (c === '_') {
      flush();
      pieces.push({ kind: 'one' });
    } else {
      text += c;
    }
  }
  flush();
  return pieces;
}

const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

/** Builds the matcher for a LIKE pattern. */
export function compileLike(pattern: string): StringMatcher {
  const p = parseLike(pattern);
  const isText = (i: number): boolean => p[i]?.kind === 'text';
  const textAt = (i: number): string => (p[i] as { text: string }).text;
  if (p.length === 0) return (s) => s === '';
  if (p.length === 1 && p[0].kind === 'any') return () => true;
  if (p.length === 1 && isText(0)) {
    const t = textAt(0);
    return (s) => s === t;
  }
  if (p.length === 2 && isText(0) && p[1].kind === 'any') {
    const t = textAt(0);
    return (s) => s.startsWith(t);
  }
  if (p.length === 2 && p[0].kind === 'any' && isText(1)) {
    const t = textAt(1);
    return (s) => s.endsWith(t);
  }
  if (p.length === 3 && p[0].kind === 'any' && isText(1) && p[2].kind === 'any') {
    const t = textAt(1);
    return (s) => s.includes(t);
  }
  const source = p
    .map((piece) => {
      if (piece.kind === 'any') return '[^]*';
      if (piece.kind === 'one') return '.';
      return piece.text.replace(REGEX_SYNTAX, '\\$&');
    })
    .join('');
  // `u` so `.` is one code point, `s` so it also matches line breaks.
  const re = new RegExp(`^${source}$`, 'su');
  return (s) => re.test(s);
}
