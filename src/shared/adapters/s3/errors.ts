/**
 * Translation of AWS SDK failures into the ObjectStore port's error vocabulary.
 *
 * Callers of the port distinguish four outcomes: "not there" (ObjectNotFoundError / null / no-op),
 * "key taken" (ObjectExistsError, only for if-none-match puts), "the store is unreachable or
 * failing, retry later" (ObjectStoreUnavailableError), and "this request can never succeed"
 * (a plain Error: a bug or a key the server refuses). Messages name the operation, the key, the
 * S3 error code and HTTP status, never the endpoint's credentials: the SDK's errors carry neither
 * the secret key nor the request's signature, and nothing here adds them.
 */

import { ObjectStoreUnavailableError } from '../../ports/object-store.ts';

/** What the SDK attaches to every error it throws (service errors and network errors alike). */
interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  Code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/** The S3 error code ('NoSuchKey', 'PreconditionFailed', ...) or the Node error code. */
export function s3ErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const shape = err as SdkErrorShape;
  for (const candidate of [shape.Code, shape.code, shape.name]) {
    if (typeof candidate === 'string' && candidate !== 'Error') return candidate;
  }
  return undefined;
}

/** HTTP status of the failed response, or undefined when no response arrived. */
export function httpStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const status = (err as SdkErrorShape).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** How many HTTP attempts the SDK made (1 = no retry), or 1 when it did not say. */
export function attemptsMade(err: unknown): number {
  if (typeof err !== 'object' || err === null) return 1;
  const attempts = (err as SdkErrorShape).$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 0 ? attempts : 1;
}

/** 404 for the object itself (GET answers NoSuchKey; HEAD has no body, so only 'NotFound'). */
export function isNoSuchKey(err: unknown): boolean {
  const code = s3ErrorCode(err);
  if (code === 'NoSuchKey' || code === 'NotFound') return true;
  return httpStatus(err) === 404 && code !== 'NoSuchBucket' && code !== 'NoSuchUpload';
}

/** 412: an If-None-Match (or If-Match) condition did not hold. */
export function isPreconditionFailed(err: unknown): boolean {
  return httpStatus(err) === 412 || s3ErrorCode(err) === 'PreconditionFailed';
}

/** 416: the range starts at or past the end of the object. */
export function isInvalidRange(err: unknown): boolean {
  return httpStatus(err) === 416 || s3ErrorCode(err) === 'InvalidRange';
}

/**
 * 409 ConditionalRequestConflict: AWS S3 answers this when another conditional write on the
 * same key is in flight; the documented reaction is to retry.
 */
export function isConditionalConflict(err: unknown): boolean {
  const code = s3ErrorCode(err);
  return code === 'ConditionalRequestConflict' || code === 'OperationAborted';
}

/** 501 NotImplemented: the server does not support a header we sent (e.g. If-None-Match). */
export function isNotImplemented(err: unknown): boolean {
  return httpStatus(err) === 501 || s3ErrorCode(err) === 'NotImplemented';
}

/** Codes of requests that can never succeed as sent (retrying cannot help). */
const PERMANENT_CODES = new Set([
  'KeyTooLongError',
  'InvalidArgument',
  'InvalidRequest',
  'EntityTooLarge',
  'EntityTooSmall',
  'InvalidPart',
  'InvalidPartOrder',
  'MalformedXML',
  'InvalidObjectName',
]);

/**
 * The port error for a failure the caller did not handle itself. Errors that already carry
 * port semantics (ObjectNotFoundError, ObjectExistsError, plain validation errors raised by this
 * adapter before any request) pass through unchanged.
 *
 * - 401/403 (credentials, bucket policy) and 404 NoSuchBucket: unavailable — an operator can fix
 *   them without a code change, and the caller's retry then succeeds.
 * - 5xx, 408, 429, 409 conflicts, timeouts and network errors (no HTTP status): unavailable.
 * - other 4xx: a plain Error; the request itself is wrong.
 */
export function translateS3Error(operation: string, key: string, err: unknown): Error {
  if (!isSdkError(err)) return err instanceof Error ? err : new Error(String(err));
  const status = httpStatus(err);
  const code = s3ErrorCode(err) ?? 'UnknownError';
  const detail = describe(operation, key, err);
  if (status !== undefined && status >= 400 && status < 500 && PERMANENT_CODES.has(code)) {
    return new Error(detail, { cause: err });
  }
  if (status === 401 || status === 403) {
    const hint = '(access denied: check the credentials and the bucket policy)';
    return new ObjectStoreUnavailableError(`${detail} ${hint}`, { cause: err });
  }
  if (code === 'NoSuchBucket') {
    return new ObjectStoreUnavailableError(`${detail} (the bucket does not exist)`, { cause: err });
  }
  if (status === undefined || status >= 500 || status === 408 || status === 429 || status === 409) {
    return new ObjectStoreUnavailableError(detail, { cause: err });
  }
  return new Error(detail, { cause: err });
}

/** "s3 object store put "k" failed: SlowDown (HTTP 503) after 4 attempts: <server message>". */
export function describe(operation: string, key: string, err: unknown): string {
  const status = httpStatus(err);
  const code = s3ErrorCode(err) ?? 'UnknownError';
  const attempts = attemptsMade(err);
  const message = err instanceof Error && err.message !== code ? `: ${err.message}` : '';
  return (
    `s3 object store ${operation} ${JSON.stringify(key)} failed: ${code}` +
    (status === undefined ? '' : ` (HTTP ${status})`) +
    (attempts > 1 ? ` after ${attempts} attempts` : '') +
    message
  );
}

/**
 * True for errors raised by the SDK or the HTTP layer under it (they carry $metadata, $fault or
 * a Node network error code), false for errors this adapter raised deliberately.
 */
function isSdkError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const shape = err as SdkErrorShape;
  if (shape.$metadata !== undefined || shape.$fault !== undefined) return true;
  if (typeof shape.code === 'string' && /^E[A-Z0-9_]+$/.test(shape.code)) return true;
  return shape.name === 'TimeoutError' || shape.name === 'AbortError';
}
