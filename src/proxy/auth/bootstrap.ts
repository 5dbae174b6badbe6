/**
 * The built-in root user, created at proxy start from the configured root password when it does
 * not exist yet. Afterwards the setting is not read again: the password is changed through
 * users/update_password, so a stale setting cannot reset it. Several proxies starting at once
 * race safely (create-if-absent).
 */
import { ROOT_USER } from '../../shared/catalog/auth-records.ts';
import { hasCode, ErrorCode } from '../../shared/errors.ts';
import type { AccessControl } from './access-control.ts';
import { validatePassword } from './names.ts';

/** Auth is on but there is no root user and no password to create it with. */
export class MissingRootPasswordError extends Error {
  constructor() {
    super(
      'auth.enabled is true but the root user does not exist yet: set auth.rootPassword ' +
        '(QUIVER_AUTH_ROOT_PASSWORD, at least 6 characters) to create it',
    );
    this.name = 'MissingRootPasswordError';
  }
}

/**
 * Makes sure the root user exists. Creates it from `rootPassword` when absent (also with auth
 * off, so auth can be turned on later). Throws MissingRootPasswordError when auth is on, root is
 * absent and no password is configured; returns whether root was created.
 */
export async function ensureRootUser(auth: AccessControl, rootPassword: string | undefined, now: number): Promise<boolean> {
  if (await auth.store.getUser(ROOT_USER)) return false;
  if (rootPassword === undefined) {
    if (auth.settings.authEnabled) throw new MissingRootPasswordError();
    return false;
  }
  validatePassword(rootPassword);
  try {
    await auth.store.createUser({
      name: ROOT_USER,
      passwordHash: await auth.hasher.hash(rootPassword),
      roles: [],
      createdAt: now,
      updatedAt: now,
    });
  } catch (err) {
    // Another proxy created it first: that one is kept.
    if (hasCode(err, ErrorCode.Unexpected) && (await auth.store.getUser(ROOT_USER))) return false;
    throw err;
  }
  auth.changed();
  return true;
}
