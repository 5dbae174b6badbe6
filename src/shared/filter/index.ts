/**
 * Milvus boolean filter expressions: parse, check against a collection schema, and compile to
 * a row predicate over column storage. Runtime-agnostic (no Node-only APIs, no eval), so the
 * same code serves the Node entry and the edge proxy.
 *
 * Typical use:
 *   const f = cache.compile(req.filter ?? '', collection, req.exprParams);
 *   if (!f.isAlwaysTrue) { const match = f.bind({ pks, scalars }); rows = rows.filter(match); }
 */
export { DEFAULT_MAX_FILTER_LENGTH, compileFilter, pkEquality, type CompiledFilter } from './filter.ts';
export { FilterCache, type FilterCacheOptions } from './cache.ts';
export type { ColumnSource, RowPredicate } from './compile.ts';
export type { ArithOp, CmpOp, ColumnRef, ConstValue, Operand, Plan, Scalar, ValueType } from './plan.ts';
export { parse as parseFilter } from './parser.ts';
export { show as showTree, type Node as FilterNode } from './ast.ts';
