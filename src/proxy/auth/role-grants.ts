/**
 * What the /roles/ endpoints do: roles and the privileges granted to them. The built-in roles
 * are "admin" (every privilege; cannot be changed) and "public" (every user's; starts with no
 * grants, so a new user can do nothing until granted a role). Grants are stored as Milvus
 * describes them; privileges.ts says what each one allows.
 */
import { ADMIN_ROLE, BUILTIN_ROLES, PUBLIC_ROLE, type Grant, type RoleRecord } from '../../shared/catalog/auth-records.ts';
import { roleNotFound } from '../../shared/catalog/auth-store.ts';
import { invalidParameter } from '../../shared/errors.ts';
import type { AccessControl } from './access-control.ts';
import { validateRoleName } from './names.ts';
import { isKnownPrivilege, scopeOf } from './privileges.ts';

/** Milvus's object types for roles/grant_privilege. */
const OBJECT_TYPES: ReadonlySet<string> = new Set(['Global', 'Collection', 'User']);

/** Built-in roles first, then created roles by name. */
export async function listRoles(auth: AccessControl): Promise<string[]> {
  const created = [...(await auth.snapshot()).roles.keys()].filter((r) => !BUILTIN_ROLES.includes(r)).sort();
  return [...BUILTIN_ROLES, ...created];
}

/** A role's grants, only those for `dbName` (or "*") when given; 65535 for an unknown role. */
export async function describeRole(auth: AccessControl, roleName: string, dbName: string | undefined): Promise<Grant[]> {
  const role = await auth.store.getRole(roleName);
  if (!role) {
    if (BUILTIN_ROLES.includes(roleName)) return [];
    throw roleNotFound(roleName);
  }
  return role.grants.filter((g) => dbName === undefined || g.dbName === dbName || g.dbName === '*');
}

export async function createRole(auth: AccessControl, roleName: string, now: number): Promise<void> {
  validateRoleName(roleName);
  await auth.store.createRole({ name: roleName, grants: [], createdAt: now });
  auth.changed();
}

/** Drops a created role (refused while users hold it); a missing role succeeds. */
export async function dropRole(auth: AccessControl, roleName: string): Promise<void> {
  await auth.store.dropRole(roleName);
  auth.changed();
}

function sameGrant(a: Grant, b: Grant): boolean {
  return a.objectType === b.objectType && a.objectName === b.objectName && a.dbName === b.dbName && a.privilege === b.privilege;
}

function checkGrant(roleName: string, grant: Grant): void {
  if (roleName === ADMIN_ROLE) throw invalidParameter(`the role[${ADMIN_ROLE}] holds every privilege and can't be changed`);
  if (!OBJECT_TYPES.has(grant.objectType)) {
    throw invalidParameter(`invalid object type: ${grant.objectType}, should be one of Global, Collection, User`);
  }
  if (!isKnownPrivilege(grant.privilege)) throw invalidParameter(`not found the privilege name[${grant.privilege}]`);
  if (grant.objectName === '') throw invalidParameter('the object name should not be empty');
  if (grant.dbName === '') throw invalidParameter('the database name should not be empty');
}

/** Adds a grant (a second identical grant changes nothing). 65535 for an unknown role. */
export async function grantPrivilege(auth: AccessControl, roleName: string, grant: Grant, now: number): Promise<void> {
  checkGrant(roleName, grant);
  const initial: RoleRecord | undefined = roleName === PUBLIC_ROLE ? { name: PUBLIC_ROLE, grants: [], createdAt: now } : undefined;
  await auth.store.updateRole(
    roleName,
    (r) => (r.grants.some((g) => sameGrant(g, grant)) ? r : { ...r, grants: [...r.grants, grant] }),
    initial,
  );
  auth.changed();
}

/** Removes a grant; one the role does not hold is not an error. 65535 for an unknown role. */
export async function revokePrivilege(auth: AccessControl, roleName: string, grant: Grant, now: number): Promise<void> {
  checkGrant(roleName, grant);
  const initial: RoleRecord | undefined = roleName === PUBLIC_ROLE ? { name: PUBLIC_ROLE, grants: [], createdAt: now } : undefined;
  await auth.store.updateRole(roleName, (r) => ({ ...r, grants: r.grants.filter((g) => !sameGrant(g, grant)) }), initial);
  auth.changed();
}

/**
 * The grant of the v2 endpoints ({privilege, dbName, collectionName}): the object type follows
 * from the privilege's scope, and cluster-wide privileges apply to every database.
 */
export function grantV2(privilege: string, dbName: string, collectionName: string, grantor: string): Grant {
  if (!isKnownPrivilege(privilege)) throw invalidParameter(`not found the privilege name[${privilege}]`);
  const scope = scopeOf(privilege);
  if (scope === 'cluster') return { objectType: 'Global', objectName: '*', dbName: '*', privilege, grantor };
  if (scope === 'database') return { objectType: 'Global', objectName: '*', dbName, privilege, grantor };
  return { objectType: 'Collection', objectName: collectionName, dbName, privilege, grantor };
}
