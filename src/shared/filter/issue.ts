/**
 * Error reporting for filter expressions. The lexer, parser and checker throw a FilterIssue
 * (a message plus the character offset it is about); the entry point turns it into the
 * QuiverError (code 1100) that clients see, worded the way Milvus words plan failures.
 */
import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import { QuiverError, invalidParameter } from '../errors.ts';

/** Which stage found the problem; syntax problems are reported in ANTLR's `line L:C msg` form. */
export type IssueKind = 'syntax' | 'semantic';

/** A problem at a known place in the expression. Internal: callers see QuiverError. */
export class FilterIssue extends Error {
  readonly offset: number;
  readonly kind: IssueKind;

  constructor(kind: IssueKind, offset: number, message: string) {
    super(message);
    this.name = 'FilterIssue';
    this.kind = kind;
    this.offset = offset;
  }
}

/** Shorthand for a semantic (schema or type) problem at `offset`. */
export function semantic(offset: number, message: string): FilterIssue {
  return new FilterIssue('semantic', offset, message);
}

/**
 * Line (1-based) and column (0-based) of a character offset, the convention ANTLR and
 * therefore Milvus use in `line 1:7 ...` messages. Offsets past the end point just after the
 * last character, which is where an unexpected end of input is reported.
 */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  const end = Math.max(0, Math.min(Number.isFinite(offset) ? offset : text.length, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart };
}

/** Milvus's outer wording for any filter that cannot become a query plan. */
export function planError(expr: string, detail: string): QuiverError {
  return invalidParameter(`failed to create query plan: cannot parse expression: ${expr}, error: ${detail}`);
}

/** Converts an issue into the client-facing error, with the position in the message. */
export function issueToError(expr: string, issue: FilterIssue): QuiverError {
  const { line, column } = positionAt(expr, issue.offset);
  const detail =
    issue.kind === 'syntax'
      ? `line ${line}:${column} ${issue.message}`
      : `${issue.message} (at line ${line}:${column})`;
  return planError(expr, detail);
}

// Syntax error wording. Milvus reports ANTLR's messages ("mismatched input 'x' expecting ..."),
// which clients and people already recognise, so chevrotain's messages are reworded to match.

function shown(tok: IToken | undefined): string {
  if (tok === undefined || tok.tokenType === EOF) return '<EOF>';
  return tok.image;
}

function label(t: TokenType): string {
  if (t === EOF) return '<EOF>';
  return t.LABEL ?? t.name;
}

function expecting(paths: TokenType[][]): string {
  const firsts = [...new Set(paths.map((p) => p[0]).filter((t) => t !== undefined).map(label))];
  // A long list of everything that may start an operand helps nobody; say what is missing.
  if (firsts.length === 0 || firsts.length > 4) return 'an expression';
  if (firsts.length === 1) return firsts[0];
  return `{${firsts.join(', ')}}`;
}

/** Chevrotain error message provider producing ANTLR-style texts. */
export const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `mismatched input '${shown(actual)}' expecting ${label(expected)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `extraneous input '${shown(firstRedundant)}' expecting <EOF>`;
  },
  buildNoViableAltMessage({ actual, expectedPathsPerAlt }) {
    const paths = expectedPathsPerAlt.flat();
    return `mismatched input '${shown(actual[0])}' expecting ${expecting(paths)}`;
  },
  buildEarlyExitMessage({ actual, expectedIterationPaths }) {
    return `mismatched input '${shown(actual[0])}' expecting ${expecting(expectedIterationPaths)}`;
  },
};
