/**
 * What the coordinator holds about users, roles and API keys (keys in keys.ts `authKeys`), and
 * the parsed snapshot every proxy authorises against. Records hold hashes of secrets only.
 * Values are validated with zod when read: a record that does not parse is left out (its user or
 * key then cannot sign in) instead of failing every request.
 */
import { z } from 'zod';
import { authKeys } from './keys.ts';
import type { VersionedValue } from '../ports/coordinator.ts';

/** The built-in user that always holds the admin role and cannot be dropped. */
export const ROOT_USER = 'root';
/** Built-in role holding every privilege; it cannot be changed or dropped. */
export const ADMIN_ROLE = 'admin';
/** Built-in role every user has; its grants apply to everyone signed in. */
export const PUBLIC_ROLE = 'public';
/** Roles that exist without a record. */
export const BUILTIN_ROLES: readonly string[] = [ADMIN_ROLE, PUBLIC_ROLE];

/** One privilege granted to a role, in Milvus's terms (as roles/describe shows it). */
export const grantSchema = z.object({
  /** Global, Collection or User. */
  objectType: z.string(),
  /** A collection name, or "*" for all. */
  objectName: z.string(),
  /** A database name, or "*" for all. */
  dbName: z.string(),
  /** A Milvus privilege name (Search, Insert, ...) or privilege group (DatabaseReadWrite, ...). */
  privilege: z.string(),
  /** The user who granted it. */
  grantor: z.string(),
});
export type Grant = z.infer<typeof grantSchema>;

export const userRecordSchema = z.object({
  name: z.string(),
  /** Self-describing password hash (algorithm, parameters, salt, digest). */
  passwordHash: z.string(),
  /** Granted roles, without the implicit "public". */
  roles: z.array(z.string()),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type UserRecord = z.infer<typeof userRecordSchema>;

export const roleRecordSchema = z.object({
  name: z.string(),
  grants: z.array(grantSchema),
  createdAt: z.number(),
});
export type RoleRecord = z.infer<typeof roleRecordSchema>;

export const apiKeyRecordSchema = z.object({
  /** Public identifier, also part of the key text. */
  id: z.string(),
  /** The user the key acts as (with that user's roles at the time of each request). */
  userName: z.string(),
  /** Base64 SHA-256 of the key's secret part. */
  secretHash: z.string(),
  description: z.string(),
  createdAt: z.number(),
  /** Who created it. */
  createdBy: z.string(),
});
export type ApiKeyRecord = z.infer<typeof apiKeyRecordSchema>;

/** Every user, role and key at one moment. */
export interface AuthSnapshot {
  users: ReadonlyMap<string, UserRecord>;
  roles: ReadonlyMap<string, RoleRecord>;
  apiKeys: ReadonlyMap<string, ApiKeyRecord>;
}

function parseRecord<S extends z.ZodType>(schema: S, text: string): z.infer<S> | null {
  try {
    const result = schema.safeParse(JSON.parse(text));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

export function parseUser(text: string): UserRecord | null {
  return parseRecord(userRecordSchema, text);
}

export function parseRole(text: string): RoleRecord | null {
  return parseRecord(roleRecordSchema, text);
}

export function parseApiKey(text: string): ApiKeyRecord | null {
  return parseRecord(apiKeyRecordSchema, text);
}

/** Builds a snapshot from a listing of `authKeys.prefix()`. */
export function snapshotOf(values: readonly VersionedValue[]): AuthSnapshot {
  const users = new Map<string, UserRecord>();
  const roles = new Map<string, RoleRecord>();
  const apiKeys = new Map<string, ApiKeyRecord>();
  for (const v of values) {
    if (v.key.startsWith(authKeys.userPrefix())) {
      const u = parseUser(v.value);
      if (u) users.set(u.name, u);
    } else if (v.key.startsWith(authKeys.rolePrefix())) {
      const r = parseRole(v.value);
      if (r) roles.set(r.name, r);
    } else if (v.key.startsWith(authKeys.apiKeyPrefix())) {
      const k = parseApiKey(v.value);
      if (k) apiKeys.set(k.id, k);
    }
  }
  return { users, roles, apiKeys };
}

/** True when the role exists: built in, or stored. */
export function roleExists(snapshot: AuthSnapshot, name: string): boolean {
  return BUILTIN_ROLES.includes(name) || snapshot.roles.has(name);
}
