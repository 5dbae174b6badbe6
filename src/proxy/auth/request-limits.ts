/**
 * Limits on a request body, checked on the parsed JSON before the route's schema and handler see
 * it, so a request over a limit answers 1100 and writes nothing:
 *
 * - nesting depth of arrays and objects (every endpoint);
 * - string and key length in management requests (names, descriptions, properties, index
 *   parameters); entity data has per-field limits of its own (VarChar max_length, JSON size);
 * - rows per insert/upsert request.
 *
 * Filter length is checked where filters are compiled (shared/filter), vector dimensions where
 * collections are built (shared/schema).
 */
import { invalidParameter } from '../../shared/errors.ts';
import { jsonShapeProblem } from '../../shared/schema/json-limits.ts';

export interface RequestLimits {
  /** Deepest nesting of arrays and objects; the body itself is level 1. */
  maxJsonDepth: number;
  /** Longest string or key in a management request body, characters. */
  maxStringLength: number;
  /** Most rows in one insert or upsert. */
  maxRowsPerRequest: number;
}

const ENTITIES = '/v2/vectordb/entities/';
const WRITES: ReadonlySet<string> = new Set([`${ENTITIES}insert`, `${ENTITIES}upsert`]);

/** Throws 1100 when the body of a request to `path` breaks a limit. */
export function checkRequestBody(path: string, body: unknown, limits: RequestLimits): void {
  const entities = path.startsWith(ENTITIES);
  const problem = jsonShapeProblem(body, {
    maxDepth: limits.maxJsonDepth,
    maxStringLength: entities ? undefined : limits.maxStringLength,
  });
  if (problem?.kind === 'depth') {
    throw invalidParameter(`request body nests arrays and objects deeper than ${problem.maxDepth} levels`);
  }
  if (problem?.kind === 'string') {
    throw invalidParameter(`a string in the request is ${problem.length} characters long, the limit is ${problem.maxLength}`);
  }
  if (WRITES.has(path) && body !== null && typeof body === 'object') {
    const data = (body as Record<string, unknown>).data;
    if (Array.isArray(data) && data.length > limits.maxRowsPerRequest) {
      throw invalidParameter(
        `too many rows in one request: ${data.length}, the limit is ${limits.maxRowsPerRequest}; split the data into smaller requests`,
      );
    }
  }
}
