/**
 * One error type for the whole system. Every failure that reaches a client carries a Milvus
 * error code (see the API contract) and a retryable flag so callers and clients can decide
 * whether trying again can help.
 */

/** Milvus status codes quiver answers with. Values are the public Milvus numbers. */
export const ErrorCode = {
  Success: 0,
  CollectionNotFound: 100,
  PartitionNotFound: 200,
  IndexNotFound: 700,
  DatabaseNotFound: 800,
  FieldNotFound: 1700,
  InvalidParameter: 1100,
  NotAuthenticated: 1800,
  NotJson: 1801,
  MissingParameter: 1802,
  InvalidInsertData: 1804,
  ResultBuildFailed: 1805,
  InvalidPrimaryKey: 1806,
  RateLimited: 1807,
  /** Used when a Strong/Session/Bounded wait or a Request-Timeout expires. */
  Timeout: 2,
  /** A backend (log, object store, coordinator) is unavailable; retryable. */
  ServiceUnavailable: 2201,
  Unexpected: 65535,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface QuiverErrorOptions {
  /** True when the same request may succeed if sent again later (outage, timeout, conflict). */
  retryable?: boolean;
  /** HTTP status to answer with; Milvus answers business errors with 200. */
  httpStatus?: number;
  cause?: unknown;
}

/** The error every module throws for expected failures. Anything else is a bug (code 65535). */
export class QuiverError extends Error {
  readonly code: number;
  readonly retryable: boolean;
  readonly httpStatus: number;

  constructor(code: number, message: string, options: QuiverErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'QuiverError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.httpStatus = options.httpStatus ?? 200;
  }
}

/** 1100: a parameter has a wrong value (bad limit, bad filter, unknown data type...). */
export function invalidParameter(message: string): QuiverError {
  return new QuiverError(ErrorCode.InvalidParameter, message);
}

/** 1802: a required request field is missing. */
export function missingParameter(field: string): QuiverError {
  return new QuiverError(
    ErrorCode.MissingParameter,
    `missing required parameters, error: Key: '${field}' Error:Field validation for '${field}' failed on the 'required' tag`,
  );
}

/** 1804: rows to insert/upsert do not fit the schema. Nothing of the request was written. */
export function invalidInsertData(message: string): QuiverError {
  return new QuiverError(ErrorCode.InvalidInsertData, `fail to deal the insert data, error: ${message}`);
}

/** 100: collection lookup failed. */
export function collectionNotFound(dbName: string, collectionName: string): QuiverError {
  return new QuiverError(
    ErrorCode.CollectionNotFound,
    `can't find collection[database=${dbName}][collection=${collectionName}]`,
  );
}

/** 800: database lookup failed. */
export function databaseNotFound(dbName: string): QuiverError {
  return new QuiverError(ErrorCode.DatabaseNotFound, `database not found[database=${dbName}]`);
}

/** A backend failed in a way that may heal by itself (network, service restart). */
export function unavailable(what: string, cause?: unknown): QuiverError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new QuiverError(ErrorCode.ServiceUnavailable, `${what} unavailable${detail}`, {
    retryable: true,
    httpStatus: 503,
    cause,
  });
}

/** A wait (consistency level, request deadline) ran out. Never answered with stale data. */
export function timeout(message: string): QuiverError {
  return new QuiverError(ErrorCode.Timeout, message, { retryable: true, httpStatus: 408 });
}

/** True when err is a QuiverError with the given code. */
export function hasCode(err: unknown, code: number): boolean {
  return err instanceof QuiverError && err.code === code;
}
