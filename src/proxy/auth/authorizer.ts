/**
 * The privilege check: does any role of the principal hold a grant that covers the endpoint's
 * requirement for this database (and collection)? Pure: works on a snapshot of the roles.
 *
 * A grant covers a level when the level is among those its privilege gives (privileges.ts) and
 * its scope matches: cluster levels apply everywhere; database levels need the grant's database
 * (or "*"); collection levels also need its collection (or "*").
 */
import type { AuthSnapshot, Grant } from '../../shared/catalog/auth-records.ts';
import { permissionDenied, type Principal } from './principal.ts';
import { levelsOf, type Level, type Scope } from './privileges.ts';
import type { Requirement } from './route-privileges.ts';

/** What a request touches: its database and parsed body. */
export interface AccessTarget {
  dbName: string;
  body: Record<string, unknown>;
}

function dbMatches(grant: Grant, dbName: string): boolean {
  return grant.dbName === '*' || grant.dbName === dbName;
}

/** True when `grant` gives `level` on `dbName` / `collection` (null: every collection). */
export function grantCovers(grant: Grant, level: Level, dbName: string, collection: string | null): boolean {
  const levels = levelsOf(grant.privilege);
  if (!levels || !levels.includes(level)) return false;
  const scope = level.slice(0, level.indexOf('.')) as Scope;
  if (scope === 'cluster') return true;
  if (!dbMatches(grant, dbName)) return false;
  if (scope === 'database') return true;
  return grant.objectName === '*' || (collection !== null && grant.objectName === collection);
}

/** True when `grant` gives anything inside `dbName` (a database or collection level). */
function grantTouches(grant: Grant, dbName: string): boolean {
  const levels = levelsOf(grant.privilege);
  return !!levels && dbMatches(grant, dbName) && levels.some((l) => !l.startsWith('cluster.'));
}

/** Every grant of the principal's roles (unknown roles contribute nothing). */
export function grantsOf(snapshot: AuthSnapshot, principal: Principal): Grant[] {
  const out: Grant[] = [];
  for (const role of principal.roles) {
    const record = snapshot.roles.get(role);
    if (record) out.push(...record.grants);
  }
  return out;
}

function stringField(body: Record<string, unknown>, key: string): string | null {
  const v = body[key];
  return typeof v === 'string' && v !== '' ? v : null;
}

/** True when the principal may make a request with this requirement on this target. */
export function isAllowed(snapshot: AuthSnapshot, principal: Principal, req: Requirement, target: AccessTarget): boolean {
  if (principal.superuser) return true;
  // Self-service (own password, own keys) needs the password: a leaked key must not be able to
  // change the password or mint more keys.
  if (req.selfField && principal.kind === 'user' && target.body[req.selfField] === principal.name) return true;
  const grants = grantsOf(snapshot, principal);
  if (req.anyInDatabase && grants.some((g) => grantTouches(g, target.dbName))) return true;
  const collection = req.allCollections ? null : stringField(target.body, 'collectionName');
  if (!grants.some((g) => grantCovers(g, req.level, target.dbName, collection))) return false;
  const other = req.otherDatabaseField ? stringField(target.body, req.otherDatabaseField) : null;
  if (other !== null && other !== target.dbName) {
    return grants.some((g) => grantCovers(g, req.level, other, null));
  }
  return true;
}

/**
 * Throws HTTP 403 (code 1401, Milvus's privilege message) unless the principal may make the
 * request. Denials name the database but never what exists in it.
 */
export function authorize(snapshot: AuthSnapshot, principal: Principal, req: Requirement, target: AccessTarget): void {
  if (!isAllowed(snapshot, principal, req, target)) throw permissionDenied(req.privilege, principal.name, target.dbName);
}
