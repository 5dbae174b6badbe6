/**
 * Who a request acts as, decided once per request before the route runs, plus the Milvus error
 * answers of authentication, authorisation and rate limiting.
 */
import { ErrorCode, QuiverError } from '../../shared/errors.ts';

export interface Principal {
  /**
   * anonymous: auth is off (every request may do everything). user: signed in with a password.
   * apiKey: signed in with a key acting as `name`.
   */
  kind: 'anonymous' | 'user' | 'apiKey';
  /** The user name; "anonymous" when auth is off. */
  name: string;
  /** The key's id for apiKey principals. */
  keyId?: string;
  /** Holds every privilege: auth off, the root user, or a user with the admin role. */
  superuser: boolean;
  /** Granted roles, including the implicit "public". */
  roles: readonly string[];
}

/** The principal of every request while auth is off. */
export const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous', name: 'anonymous', superuser: true, roles: [] });

/** Identifies the principal's token bucket: a key has its own, apart from its user's. */
export function rateKeyOf(p: Principal): string {
  return p.kind === 'apiKey' ? `key:${p.keyId}` : `${p.kind}:${p.name}`;
}

/** Milvus's code for a signed-in caller without the privilege (merr.ErrPrivilegeNotPermitted). */
export const PRIVILEGE_NOT_PERMITTED = 1401;

/** HTTP 401, code 1800: no, malformed or wrong credentials. Never says which part was wrong. */
export function notAuthenticated(): QuiverError {
  return new QuiverError(ErrorCode.NotAuthenticated, "user hasn't authenticated", { httpStatus: 401 });
}

/** HTTP 403, code 1401, worded like Milvus's privilege interceptor. */
export function permissionDenied(privilege: string, user: string, dbName: string): QuiverError {
  return new QuiverError(
    PRIVILEGE_NOT_PERMITTED,
    `Privilege${privilege}: permission deny to ${user} in the \`${dbName}\` database: privilege not permitted`,
    { httpStatus: 403 },
  );
}

/** Code 1807 with HTTP 200, as Milvus's REST limiter answers; retryable. */
export function rateLimited(p: Principal, requestsPerSecond: number): QuiverError {
  return new QuiverError(
    ErrorCode.RateLimited,
    `request is rejected by limiter, error: rate limit exceeded[user=${p.name}][rate=${requestsPerSecond}/s]`,
    { retryable: true },
  );
}
