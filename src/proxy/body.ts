/**
 * Request body checks shared by routes: parsing JSON and mapping zod failures to Milvus codes
 * (1801 for a body that is not JSON or has a wrong type, 1802 for a missing required key).
 */
import { z } from 'zod';
import { ErrorCode, QuiverError, missingParameter } from '../shared/errors.ts';

/** Parses a JSON body; an empty or malformed body answers 1801 like Milvus. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') {
    throw new QuiverError(ErrorCode.NotJson, 'can only accept json format request, error: the request body should be nil, however {} is valid');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new QuiverError(ErrorCode.NotJson, `can only accept json format request, error: ${(err as Error).message}`);
  }
}

/** Validates `value` against `schema`, throwing the Milvus error a Go binding would give. */
export function parseBody<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new QuiverError(ErrorCode.NotJson, 'can only accept json format request, error: body must be a JSON object');
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.path.join('.');
  // Absent (or null) is a missing parameter; a value of the wrong type is a binding error.
  const missing = issue.code === 'invalid_type' && valueAt(value, issue.path) == null;
  if (missing || (issue.code === 'too_small' && issue.origin === 'string')) throw missingParameter(path);
  throw new QuiverError(ErrorCode.NotJson, `can only accept json format request, error: ${path}: ${issue.message}`);
}

/** The value at `path` inside `root` (undefined when some step is absent). */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/** A required non-empty string (missing or "" answers 1802). */
export const requiredName = () => z.string().min(1);

/** Fields most requests share. Unknown keys are ignored (zod strips them). */
export const collectionNameBody = z.object({
  dbName: z.string().optional(),
  collectionName: requiredName(),
});
