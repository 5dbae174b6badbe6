/**
 * Translation of Node filesystem errors into the ObjectStore port's error vocabulary.
 *
 * Callers need three outcomes: "the object is not there" (ObjectNotFoundError / null / no-op),
 * "the key cannot be represented on this filesystem" (a plain Error: retrying cannot help), and
 * "the disk or directory misbehaved" (ObjectStoreUnavailableError: retrying later may help).
 */

import { ObjectStoreUnavailableError } from '../../ports/object-store.ts';

/** The errno code of a Node system error ('ENOENT', ...), or undefined for anything else. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/**
 * True when the error means "no file at that path": the path is missing (ENOENT) or one of its
 * parents is a file rather than a directory (ENOTDIR), which for a key means "not stored".
 */
export function isMissing(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * The error for a key that collides with the directory layout: the fs store keeps key 'a/b' in a
 * directory named 'a', so it cannot also keep an object named 'a' (and the other way round).
 * S3 has no such limit; code that stays within the project's key layouts never meets it.
 */
export function keyLayoutConflict(key: string, cause?: unknown): Error {
  return new Error(
    `cannot store object ${JSON.stringify(key)}: the fs object store cannot hold a key that is ` +
      'also a "/"-prefix of another stored key (one of them would have to be both a file and a ' +
      'directory)',
    cause === undefined ? undefined : { cause },
  );
}

/** Wraps an unexpected filesystem failure, keeping the original error as the cause. */
export function storeUnavailable(
  operation: string,
  key: string,
  cause: unknown,
): ObjectStoreUnavailableError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new ObjectStoreUnavailableError(
    `fs object store ${operation} ${JSON.stringify(key)} failed${detail}`,
    { cause },
  );
}

/**
 * Rethrows errors that already carry port semantics (not found, exists, invalid key, layout
 * conflict: all raised deliberately by this adapter) and wraps every raw errno error.
 */
export function translate(operation: string, key: string, err: unknown): Error {
  if (errnoCode(err) === undefined && err instanceof Error) return err;
  return storeUnavailable(operation, key, err);
}
