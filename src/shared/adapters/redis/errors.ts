/**
 * Translation of ioredis failures into the Coordinator port's error vocabulary.
 *
 * Almost everything Redis can answer in trouble is an outage from the caller's point of view —
 * connection refused or reset, command timeouts, the reconnect budget of a command exhausted,
 * LOADING after a restart, READONLY after a failover, OOM, BUSY (a long script), authentication
 * failures — and becomes CoordinatorUnavailableError: retrying later may succeed. Only answers
 * that say the request itself is wrong (a key of the wrong type, a script error: a foreign
 * program writing under our prefix, or a bug) become a plain Error.
 *
 * Messages name the operation and ioredis's message, never the connection URL (it may carry a
 * password; ioredis does not put it in its messages either).
 */

import { CoordinatorUnavailableError } from '../../ports/coordinator.ts';

/** Reply prefixes that mean "this request can never succeed as sent". */
const PERMANENT_REPLY = /^(WRONGTYPE|ERR (Error running script|user_script|.*script.*attempted))/;

/**
 * The port error for a failed Redis call. Use only around calls to Redis: everything that fails
 * there is Redis's (or the network's) doing, except a CoordinatorUnavailableError raised by the
 * adapter itself, which passes through.
 */
export function translateRedisError(operation: string, err: unknown): Error {
  if (err instanceof CoordinatorUnavailableError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (isReplyError(err) && PERMANENT_REPLY.test(message)) {
    return new Error(`redis coordinator ${operation} failed: ${message}`, { cause: err });
  }
  return new CoordinatorUnavailableError(`redis coordinator ${operation} failed: ${message}`, { cause: err });
}

/** ioredis's ReplyError: an error answer from the server itself. */
function isReplyError(err: unknown): boolean {
  return err instanceof Error && err.name === 'ReplyError';
}
