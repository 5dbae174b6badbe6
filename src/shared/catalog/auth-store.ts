/**
 * Users, roles and API keys in the Coordinator. Every change is one conditional commit (a
 * conflicting writer re-reads and retries), so concurrent proxies never lose an update, and
 * changes that span records (dropping a user with its keys, granting a role that must still
 * exist) are atomic. The store holds what it is given: hashing and policy live in the proxy.
 */
import { ConflictError, type CommitOp, type Coordinator } from '../ports/coordinator.ts';
import { ErrorCode, QuiverError } from '../errors.ts';
import {
  BUILTIN_ROLES,
  parseApiKey,
  parseRole,
  parseUser,
  snapshotOf,
  type ApiKeyRecord,
  type AuthSnapshot,
  type RoleRecord,
  type UserRecord,
} from './auth-records.ts';
import { authKeys as K } from './keys.ts';

const MAX_RETRIES = 20;

/** 65535 like Milvus's credential errors. */
function failure(message: string): QuiverError {
  return new QuiverError(ErrorCode.Unexpected, message);
}

export function userNotFound(name: string): QuiverError {
  return failure(`not found the user, maybe the user isn't existed or internal system error[user=${name}]`);
}

export function roleNotFound(name: string): QuiverError {
  return failure(`not found the role, maybe the role isn't existed or internal system error[role=${name}]`);
}

/** Typed access to the auth records. Stateless: every call reads the coordinator. */
export class AuthStore {
  constructor(private readonly coordinator: Coordinator) {}

  /** Every user, role and key, read in one listing. */
  async snapshot(): Promise<AuthSnapshot> {
    return snapshotOf(await this.coordinator.list(K.prefix()));
  }

  async getUser(name: string): Promise<UserRecord | null> {
    const v = await this.coordinator.get(K.user(name));
    return v ? parseUser(v.value) : null;
  }

  /** Fails with 65535 "user already exists" when the name is taken. */
  async createUser(user: UserRecord): Promise<void> {
    try {
      await this.coordinator.commit([{ kind: 'put', key: K.user(user.name), value: JSON.stringify(user), expectedVersion: null }]);
    } catch (err) {
      if (err instanceof ConflictError) throw failure(`user already exists: ${user.name}`);
      throw err;
    }
  }

  /** Re-reads and applies `change` until the conditional commit succeeds; missing user → 65535. */
  async updateUser(name: string, change: (u: UserRecord) => UserRecord): Promise<UserRecord> {
    return this.updateUserChecked(name, async () => [], change);
  }

  /** Gives the user a stored or built-in role, atomically with a check that the role still exists. */
  async grantRole(userName: string, role: string): Promise<void> {
    const roleCheck = async (): Promise<CommitOp[]> => {
      if (BUILTIN_ROLES.includes(role)) return [];
      const r = await this.coordinator.get(K.role(role));
      if (!r) throw roleNotFound(role);
      return [{ kind: 'check', key: K.role(role), expectedVersion: r.version }];
    };
    await this.updateUserChecked(userName, roleCheck, (u) => (u.roles.includes(role) ? u : { ...u, roles: [...u.roles, role] }));
  }

  /** The update loop: `checks` is re-read on every attempt and committed with the new record. */
  private async updateUserChecked(
    name: string,
    checks: () => Promise<CommitOp[]>,
    change: (u: UserRecord) => UserRecord,
  ): Promise<UserRecord> {
    for (let i = 0; i < MAX_RETRIES; i++) {
      const extra = await checks();
      const cur = await this.coordinator.get(K.user(name));
      const user = cur ? parseUser(cur.value) : null;
      if (!cur || !user) throw userNotFound(name);
      const next = change(user);
      try {
        await this.coordinator.commit([
          ...extra,
          { kind: 'put', key: K.user(name), value: JSON.stringify(next), expectedVersion: cur.version },
        ]);
        return next;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
    throw new QuiverError(ErrorCode.Unexpected, `update of user ${name} kept conflicting`, { retryable: true });
  }

  async revokeRole(userName: string, role: string): Promise<void> {
    await this.updateUser(userName, (u) => ({ ...u, roles: u.roles.filter((r) => r !== role) }));
  }

  /** Removes the user and every API key acting as it in one commit. False when it did not exist. */
  async dropUser(name: string): Promise<boolean> {
    for (let i = 0; i < MAX_RETRIES; i++) {
      const cur = await this.coordinator.get(K.user(name));
      if (!cur) return false;
      const keys = (await this.coordinator.list(K.apiKeyPrefix())).filter((v) => parseApiKey(v.value)?.userName === name);
      try {
        await this.coordinator.commit([
          { kind: 'delete', key: K.user(name), expectedVersion: cur.version },
          ...keys.map((k): CommitOp => ({ kind: 'delete', key: k.key, expectedVersion: k.version })),
        ]);
        return true;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
    throw new QuiverError(ErrorCode.Unexpected, `drop of user ${name} kept conflicting`, { retryable: true });
  }

  async getRole(name: string): Promise<RoleRecord | null> {
    const v = await this.coordinator.get(K.role(name));
    return v ? parseRole(v.value) : null;
  }

  /** Fails with 65535 when the role exists (built-in roles always do). */
  async createRole(role: RoleRecord): Promise<void> {
    if (BUILTIN_ROLES.includes(role.name)) throw failure(`role [name:"${role.name}"] already exists`);
    try {
      await this.coordinator.commit([{ kind: 'put', key: K.role(role.name), value: JSON.stringify(role), expectedVersion: null }]);
    } catch (err) {
      if (err instanceof ConflictError) throw failure(`role [name:"${role.name}"] already exists`);
      throw err;
    }
  }

  /**
   * Re-reads and applies `change` to a role's record. A role without a record yet (the built-in
   * public role before its first grant) starts from `initial` when given, else answers 65535.
   */
  async updateRole(name: string, change: (r: RoleRecord) => RoleRecord, initial?: RoleRecord): Promise<RoleRecord> {
    for (let i = 0; i < MAX_RETRIES; i++) {
      const cur = await this.coordinator.get(K.role(name));
      const role = cur ? parseRole(cur.value) : (initial ?? null);
      if (!role) throw roleNotFound(name);
      const next = change(role);
      try {
        await this.coordinator.commit([
          { kind: 'put', key: K.role(name), value: JSON.stringify(next), expectedVersion: cur?.version ?? null },
        ]);
        return next;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
    throw new QuiverError(ErrorCode.Unexpected, `update of role ${name} kept conflicting`, { retryable: true });
  }

  /**
   * Drops a stored role with its grants. Refused (65535) while a user still holds it, so no user
   * is left pointing at a missing role; a missing role succeeds. Built-in roles cannot be dropped.
   */
  async dropRole(name: string): Promise<void> {
    if (BUILTIN_ROLES.includes(name)) throw failure(`the role[${name}] is a default role, which can't be dropped`);
    for (let i = 0; i < MAX_RETRIES; i++) {
      const cur = await this.coordinator.get(K.role(name));
      if (!cur) return;
      const users = await this.coordinator.list(K.userPrefix());
      const holders = users.filter((v) => parseUser(v.value)?.roles.includes(name));
      if (holders.length > 0) {
        const names = holders.map((v) => v.key.slice(K.userPrefix().length));
        throw failure(`fail to drop the role that it has users, please revoke the role from users first[role=${name}][users=${names.join(',')}]`);
      }
      try {
        await this.coordinator.commit([
          { kind: 'delete', key: K.role(name), expectedVersion: cur.version },
          // A user granted the role meanwhile changes its version: re-check them all.
          ...users.map((v): CommitOp => ({ kind: 'check', key: v.key, expectedVersion: v.version })),
        ]);
        return;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
    throw new QuiverError(ErrorCode.Unexpected, `drop of role ${name} kept conflicting`, { retryable: true });
  }

  /** Stores a key for an existing user (65535 when the user is gone). */
  async createApiKey(key: ApiKeyRecord): Promise<void> {
    const user = await this.coordinator.get(K.user(key.userName));
    if (!user) throw userNotFound(key.userName);
    try {
      await this.coordinator.commit([
        { kind: 'check', key: K.user(key.userName), expectedVersion: user.version },
        { kind: 'put', key: K.apiKey(key.id), value: JSON.stringify(key), expectedVersion: null },
      ]);
    } catch (err) {
      if (err instanceof ConflictError) throw failure(`user ${key.userName} changed while creating the key; try again`);
      throw err;
    }
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | null> {
    const v = await this.coordinator.get(K.apiKey(id));
    return v ? parseApiKey(v.value) : null;
  }

  /** Keys acting as `userName`, or every key. */
  async listApiKeys(userName?: string): Promise<ApiKeyRecord[]> {
    const all = (await this.coordinator.list(K.apiKeyPrefix())).map((v) => parseApiKey(v.value));
    return all.filter((k): k is ApiKeyRecord => k !== null && (userName === undefined || k.userName === userName));
  }

  /** Deletes the key. False when it did not exist. */
  async deleteApiKey(id: string): Promise<boolean> {
    const cur = await this.coordinator.get(K.apiKey(id));
    if (!cur) return false;
    await this.coordinator.commit([{ kind: 'delete', key: K.apiKey(id) }]);
    return true;
  }
}
