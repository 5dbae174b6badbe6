/**
 * The entry point of the filter language: text in, a reusable compiled filter out. Compiling
 * parses and checks against one collection schema (and fills templates); binding the result
 * to a batch of columns gives the per-row predicate.
 */
import { invalidParameter } from '../errors.ts';
import type { CollectionInfo } from '../schema/types.ts';
import { checkFilter } from './check.ts';
import { bindPlan, type ColumnSource, type RowPredicate } from './compile.ts';
import { FilterIssue, issueToError, planError } from './issue.ts';
import { parse } from './parser.ts';
import { planFields, planPkKeys, TRUE_PLAN, type Plan } from './plan.ts';

/** A filter checked against a collection schema, ready to bind to column storage. */
export interface CompiledFilter {
  /** The expression text as given. */
  readonly expr: string;
  /** The checked plan (for inspection, explain output and tests). */
  readonly plan: Plan;
  /** True for an empty filter or one that folds to true: every row matches, skip evaluation. */
  readonly isAlwaysTrue: boolean;
  /** True when the filter folds to false: no row can match. */
  readonly isAlwaysFalse: boolean;
  /** Schema fields the predicate reads (`$meta` for dynamic keys), so readers load only those. */
  readonly fields: readonly string[];
  /**
   * Builds the predicate for one batch of row-aligned columns. Call once per batch; the
   * returned function is what runs per row.
   */
  bind(columns: ColumnSource): RowPredicate;
}

class Compiled implements CompiledFilter {
  readonly isAlwaysTrue: boolean;
  readonly isAlwaysFalse: boolean;
  readonly fields: readonly string[];
  /** Computed up front: cheap, and read on every delete/get that uses the filter. */
  readonly pkKeys: (number | string)[] | null;

  constructor(
    readonly expr: string,
    readonly plan: Plan,
  ) {
    this.isAlwaysTrue = plan.op === 'const' && plan.value;
    this.isAlwaysFalse = plan.op === 'const' && !plan.value;
    this.fields = planFields(plan);
    this.pkKeys = planPkKeys(plan);
  }

  bind(columns: ColumnSource): RowPredicate {
    return bindPlan(this.plan, columns);
  }
}

/** Longest expression compileFilter accepts unless told otherwise, characters. */
export const DEFAULT_MAX_FILTER_LENGTH = 1024 * 1024;

/**
 * Compiles a Milvus filter expression for `collection`. An empty or all-whitespace filter
 * matches every row. `exprParams` fills `{name}` placeholders.
 *
 * @param maxLength longest accepted expression, characters (default DEFAULT_MAX_FILTER_LENGTH);
 *   checked before parsing, so an oversized filter costs nothing.
 * @throws QuiverError code 1100 (`failed to create query plan: cannot parse expression: ...`)
 *   with the line:column of the problem, for syntax, schema and type errors alike, and for an
 *   expression over the length limit or nested too deeply.
 */
export function compileFilter(
  expr: string,
  collection: CollectionInfo,
  exprParams?: Record<string, unknown>,
  maxLength = DEFAULT_MAX_FILTER_LENGTH,
): CompiledFilter {
  if (expr.length > maxLength) {
    // The expression itself is not echoed: it is what is too long.
    throw invalidParameter(
      `failed to create query plan: cannot parse expression: the expression is ${expr.length} characters long, the limit is ${maxLength}`,
    );
  }
  if (expr.trim() === '') return new Compiled(expr, TRUE_PLAN);
  try {
    return new Compiled(expr, checkFilter(parse(expr), collection, exprParams));
  } catch (e) {
    if (e instanceof FilterIssue) throw issueToError(expr, e);
    // Recursion depth is the only limit on nesting; a stack overflow is the client's input.
    if (e instanceof RangeError) throw planError(expr, 'expression is nested too deeply');
    throw e;
  }
}

/**
 * The explicit primary keys of a filter that is exactly `pk == c`, `pk in [...]`, or an `or`
 * of those (de-duplicated, in order); null for any other filter. Deletes and gets by id use
 * it to look keys up instead of scanning.
 */
export function pkEquality(compiled: CompiledFilter): (number | string)[] | null {
  if (compiled instanceof Compiled) return compiled.pkKeys === null ? null : [...compiled.pkKeys];
  return planPkKeys(compiled.plan);
}
