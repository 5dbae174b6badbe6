/**
 * What the /users/ endpoints do: users with hashed passwords, their roles, and their API keys.
 * Every change is written to the coordinator (so every proxy sees it) and then drops this proxy's
 * cached copy. Passwords and key secrets are never stored, logged or echoed in errors.
 */
import { ROOT_USER, type ApiKeyRecord, type UserRecord } from '../../shared/catalog/auth-records.ts';
import { userNotFound } from '../../shared/catalog/auth-store.ts';
import { ErrorCode, QuiverError } from '../../shared/errors.ts';
import type { AccessControl } from './access-control.ts';
import { generateApiKey } from './api-keys.ts';
import { validatePassword, validateRoleName, validateUserName } from './names.ts';
import type { Principal } from './principal.ts';

/** Longest API key description, characters. */
const MAX_DESCRIPTION_LENGTH = 256;

/** User names, sorted. */
export async function listUsers(auth: AccessControl): Promise<string[]> {
  return [...(await auth.snapshot()).users.keys()].sort();
}

/** The roles granted to `name` (65535 when there is no such user). */
export async function describeUser(auth: AccessControl, name: string): Promise<string[]> {
  const user = await auth.store.getUser(name);
  if (!user) throw userNotFound(name);
  return [...user.roles];
}

/** Creates a user (1100 for a bad name or password, 65535 when it exists). */
export async function createUser(auth: AccessControl, name: string, password: string, now: number): Promise<void> {
  validateUserName(name);
  validatePassword(password);
  const user: UserRecord = { name, passwordHash: await auth.hasher.hash(password), roles: [], createdAt: now, updatedAt: now };
  await auth.store.createUser(user);
  auth.changed();
}

/**
 * Sets a new password. A caller changing their own password must give the current one (1400
 * when it is wrong); holders of the privilege may reset anyone's without it.
 */
export async function updatePassword(
  auth: AccessControl,
  caller: Principal,
  name: string,
  oldPassword: string | undefined,
  newPassword: string,
  now: number,
): Promise<void> {
  validatePassword(newPassword);
  const user = await auth.store.getUser(name);
  if (!user) throw userNotFound(name);
  const resetting = caller.superuser || caller.name !== name;
  if (!resetting && !(await auth.hasher.verify(oldPassword ?? '', user.passwordHash))) {
    throw new QuiverError(1400, `old password not correct for ${name}: not authenticated`);
  }
  const passwordHash = await auth.hasher.hash(newPassword);
  await auth.store.updateUser(name, (u) => ({ ...u, passwordHash, updatedAt: now }));
  auth.changed();
}

/** Drops a user with its API keys. The root user cannot be dropped; a missing user succeeds. */
export async function dropUser(auth: AccessControl, name: string): Promise<void> {
  if (name === ROOT_USER) throw new QuiverError(ErrorCode.InvalidParameter, 'root user cannot be deleted');
  await auth.store.dropUser(name);
  auth.changed();
}

/** Grants a role (built-in or created) to an existing user. */
export async function grantRole(auth: AccessControl, userName: string, roleName: string): Promise<void> {
  validateRoleName(roleName);
  await auth.store.grantRole(userName, roleName);
  auth.changed();
}

/** Takes a role from a user (65535 for no such user); a role the user does not hold is not an error. */
export async function revokeRole(auth: AccessControl, userName: string, roleName: string): Promise<void> {
  await auth.store.revokeRole(userName, roleName);
  auth.changed();
}

/** What key listings show: never the secret or its hash. */
export interface ApiKeyInfo {
  keyId: string;
  userName: string;
  description: string;
  createdAt: number;
  createdBy: string;
}

function infoOf(k: ApiKeyRecord): ApiKeyInfo {
  return { keyId: k.id, userName: k.userName, description: k.description, createdAt: k.createdAt, createdBy: k.createdBy };
}

/** Creates a key acting as `userName`; the returned text is the only copy of the key. */
export async function createApiKey(
  auth: AccessControl,
  caller: Principal,
  userName: string,
  description: string,
  now: number,
): Promise<{ keyId: string; apiKey: string }> {
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    throw new QuiverError(ErrorCode.InvalidParameter, `the description of a key must be at most ${MAX_DESCRIPTION_LENGTH} characters`);
  }
  const key = await generateApiKey();
  await auth.store.createApiKey({
    id: key.id, userName, secretHash: key.secretHash, description, createdAt: now, createdBy: caller.name,
  });
  auth.changed();
  return { keyId: key.id, apiKey: key.text };
}

/** Keys of `userName`, or every key when absent. */
export async function listApiKeys(auth: AccessControl, userName: string | undefined): Promise<ApiKeyInfo[]> {
  return (await auth.store.listApiKeys(userName)).map(infoOf);
}

/**
 * Revokes a key. With `userName` the key must belong to that user (so self-service cannot revoke
 * someone else's key); 65535 when there is no such key.
 */
export async function revokeApiKey(auth: AccessControl, keyId: string, userName: string | undefined): Promise<void> {
  const key = await auth.store.getApiKey(keyId);
  if (!key || (userName !== undefined && key.userName !== userName)) {
    throw new QuiverError(ErrorCode.Unexpected, `API key not found[keyId=${keyId}]`);
  }
  await auth.store.deleteApiKey(keyId);
  auth.changed();
}
