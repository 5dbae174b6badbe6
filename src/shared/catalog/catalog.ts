/**
 * The collection catalog: databases, collections, aliases and id allocation, stored as JSON in
 * the Coordinator. Every change is one conditional commit, so concurrent proxies never lose an
 * update: a conflicting writer re-reads and retries (see `update`).
 */
import { ConflictError, type CommitOp, type Coordinator } from '../ports/coordinator.ts';
import {
  ErrorCode,
  QuiverError,
  collectionNotFound,
  databaseNotFound,
} from '../errors.ts';
import {
  DEFAULT_DATABASE,
  type CollectionInfo,
  type DatabaseInfo,
} from '../schema/types.ts';
import { catalogKeys as K } from './keys.ts';

const MAX_RETRIES = 20;

interface AliasRecord {
  collectionName: string;
}

/** Typed access to the catalog. Stateless: every call reads the coordinator. */
export class Catalog {
  constructor(private readonly coordinator: Coordinator) {}

  /** Allocates `count` consecutive unique ids (never reused) and returns the first. */
  async allocateIds(count = 1): Promise<number> {
    for (let i = 0; i < MAX_RETRIES; i++) {
      const cur = await this.coordinator.get(K.idSequence());
      const next = (cur ? Number(cur.value) : 1000) + count;
      try {
        await this.coordinator.commit([
          { kind: 'put', key: K.idSequence(), value: String(next), expectedVersion: cur?.version ?? null },
        ]);
        return next - count;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
    throw new QuiverError(ErrorCode.Unexpected, 'id allocation kept conflicting', { retryable: true });
  }

  /** Creates the "default" database when missing. Idempotent. */
  async ensureDefaultDatabase(now: number): Promise<void> {
    if (await this.coordinator.get(K.database(DEFAULT_DATABASE))) return;
    const db: DatabaseInfo = { id: 1, name: DEFAULT_DATABASE, properties: {}, createdAt: now };
    try {
      await this.coordinator.commit([
        { kind: 'put', key: K.database(DEFAULT_DATABASE), value: JSON.stringify(db), expectedVersion: null },
      ]);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
    }
  }

  async getDatabase(name: string): Promise<DatabaseInfo | null> {
    const v = await this.coordinator.get(K.database(name));
    return v ? (JSON.parse(v.value) as DatabaseInfo) : null;
  }

  async requireDatabase(name: string): Promise<DatabaseInfo> {
    const db = await this.getDatabase(name);
    if (!db) throw databaseNotFound(name);
    return db;
  }

  async listDatabases(): Promise<DatabaseInfo[]> {
    const all = await this.coordinator.list(K.databasePrefix());
    return all.map((v) => JSON.parse(v.value) as DatabaseInfo);
  }

  /** Fails with 65535-style "already exist" (Milvus answers 65535 for this) when present. */
  async createDatabase(db: DatabaseInfo): Promise<void> {
    try {
      await this.coordinator.commit([
        { kind: 'put', key: K.database(db.name), value: JSON.stringify(db), expectedVersion: null },
      ]);
    } catch (err) {
      if (err instanceof ConflictError) {
        throw new QuiverError(ErrorCode.Unexpected, `database already exist: ${db.name}`);
      }
      throw err;
    }
  }

  async updateDatabase(name: string, change: (db: DatabaseInfo) => DatabaseInfo): Promise<DatabaseInfo> {
    return this.update(K.database(name), () => databaseNotFound(name), change);
  }

  /** Drops an empty database. The default database cannot be dropped. */
  async dropDatabase(name: string): Promise<void> {
    if (name === DEFAULT_DATABASE) throw new QuiverError(ErrorCode.Unexpected, 'can not drop default database');
    const cur = await this.coordinator.get(K.database(name));
    if (!cur) throw databaseNotFound(name);
    const colls = await this.coordinator.list(K.collectionPrefix(name));
    if (colls.length > 0) {
      throw new QuiverError(ErrorCode.Unexpected, `database:${name} not empty, must drop all collections before drop database`);
    }
    await this.coordinator.commit([{ kind: 'delete', key: K.database(name), expectedVersion: cur.version }]);
  }

  /** The collection named `name` in `db`, following an alias; null when neither exists. */
  async findCollection(db: string, name: string): Promise<CollectionInfo | null> {
    const direct = await this.coordinator.get(K.collection(db, name));
    if (direct) return JSON.parse(direct.value) as CollectionInfo;
    const alias = await this.coordinator.get(K.alias(db, name));
    if (!alias) return null;
    const target = await this.coordinator.get(K.collection(db, (JSON.parse(alias.value) as AliasRecord).collectionName));
    return target ? (JSON.parse(target.value) as CollectionInfo) : null;
  }

  /** Like findCollection but throws code 100 (or 800 for a missing database). */
  async requireCollection(db: string, name: string): Promise<CollectionInfo> {
    const c = await this.findCollection(db, name);
    if (c) return c;
    await this.requireDatabase(db);
    throw collectionNotFound(db, name);
  }

  async collectionById(id: number): Promise<CollectionInfo | null> {
    const ref = await this.coordinator.get(K.collectionById(id));
    if (!ref) return null;
    const { dbName, name } = JSON.parse(ref.value) as { dbName: string; name: string };
    const c = await this.coordinator.get(K.collection(dbName, name));
    return c ? (JSON.parse(c.value) as CollectionInfo) : null;
  }

  async listCollections(db?: string): Promise<CollectionInfo[]> {
    const all = await this.coordinator.list(K.collectionPrefix(db));
    return all.map((v) => JSON.parse(v.value) as CollectionInfo);
  }

  /** Creates the collection; code 65535 "already exist" when the name or an alias is taken. */
  async createCollection(c: CollectionInfo): Promise<void> {
    await this.requireDatabase(c.dbName);
    if (await this.coordinator.get(K.alias(c.dbName, c.name))) {
      throw new QuiverError(ErrorCode.Unexpected, `collection name [${c.name}] conflicts with an existing alias`);
    }
    try {
      await this.coordinator.commit([
        { kind: 'check', key: K.alias(c.dbName, c.name), expectedVersion: null },
        { kind: 'put', key: K.collection(c.dbName, c.name), value: JSON.stringify(c), expectedVersion: null },
        { kind: 'put', key: K.collectionById(c.id), value: JSON.stringify({ dbName: c.dbName, name: c.name }), expectedVersion: null },
      ]);
    } catch (err) {
      if (err instanceof ConflictError) {
        throw new QuiverError(ErrorCode.Unexpected, `collection already exists: ${c.name}`);
      }
      throw err;
    }
  }

  /** Re-reads and applies `change` until the conditional commit succeeds. */
  async updateCollection(db: string, name: string, change: (c: CollectionInfo) => CollectionInfo): Promise<CollectionInfo> {
    return this.update(K.collection(db, name), () => collectionNotFound(db, name), change);
  }

  /**
   * Removes the collection. Returns what was removed (null when it does not exist). As in Milvus,
   * a collection that aliases still point at is not dropped (65535): the aliases go first.
   */
  async dropCollection(db: string, name: string): Promise<CollectionInfo | null> {
    for (let i = 0; i < MAX_RETRIES; i++) {
      const cur = await this.coordinator.get(K.collection(db, name));
      if (!cur) return null;
      const c = JSON.parse(cur.value) as CollectionInfo;
      const aliases = await this.aliasesOf(db, name);
      if (aliases.length > 0) {
        throw new QuiverError(
          ErrorCode.Unexpected,
          `unable to drop the collection [${name}] because it has associated aliases [${aliases.join(' ')}], please remove all aliases before dropping the collection`,
        );
      }
      const ops: CommitOp[] = [
        { kind: 'delete', key: K.collection(db, name), expectedVersion: cur.version },
        { kind: 'delete', key: K.collectionById(c.id) },
      ];
      try {
        await this.coordinator.commit(ops);
        return c;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
    throw new QuiverError(ErrorCode.Unexpected, 'drop kept conflicting', { retryable: true });
  }

  /** Renames (and possibly moves to another database) a collection, keeping its id and data. */
  async renameCollection(db: string, name: string, newDb: string, newName: string): Promise<void> {
    await this.requireDatabase(newDb);
    const cur = await this.coordinator.get(K.collection(db, name));
    if (!cur) throw collectionNotFound(db, name);
    const c = JSON.parse(cur.value) as CollectionInfo;
    const aliases = await this.aliasEntries(db, name);
    if (aliases.length > 0 && newDb !== db) {
      throw new QuiverError(ErrorCode.Unexpected, `fail to rename collection to different database, must drop all aliases of collection ${name} before rename`);
    }
    const renamed: CollectionInfo = { ...c, dbName: newDb, name: newName };
    try {
      await this.coordinator.commit([
        { kind: 'delete', key: K.collection(db, name), expectedVersion: cur.version },
        { kind: 'check', key: K.alias(newDb, newName), expectedVersion: null },
        { kind: 'put', key: K.collection(newDb, newName), value: JSON.stringify(renamed), expectedVersion: null },
        { kind: 'put', key: K.collectionById(c.id), value: JSON.stringify({ dbName: newDb, name: newName }) },
        ...aliases.map((a): CommitOp => ({
          kind: 'put', key: a.key, value: JSON.stringify({ collectionName: newName }), expectedVersion: a.version,
        })),
      ]);
    } catch (err) {
      if (err instanceof ConflictError) {
        throw new QuiverError(ErrorCode.Unexpected, `duplicated new collection name ${newName} in database ${newDb}`);
      }
      throw err;
    }
  }

  /** Alias names pointing at the collection. */
  async aliasesOf(db: string, collectionName: string): Promise<string[]> {
    return (await this.aliasEntries(db, collectionName)).map((a) => a.key.slice(K.aliasPrefix(db).length));
  }

  async listAliases(db: string): Promise<Array<{ alias: string; collectionName: string }>> {
    const all = await this.coordinator.list(K.aliasPrefix(db));
    return all.map((v) => ({
      alias: v.key.slice(K.aliasPrefix(db).length),
      collectionName: (JSON.parse(v.value) as AliasRecord).collectionName,
    }));
  }

  async getAlias(db: string, alias: string): Promise<string | null> {
    const v = await this.coordinator.get(K.alias(db, alias));
    return v ? (JSON.parse(v.value) as AliasRecord).collectionName : null;
  }

  /** Creates (mode create) or re-points (mode alter) an alias. */
  async putAlias(db: string, alias: string, collectionName: string, mode: 'create' | 'alter'): Promise<void> {
    const target = await this.coordinator.get(K.collection(db, collectionName));
    if (!target) throw collectionNotFound(db, collectionName);
    const existing = await this.coordinator.get(K.alias(db, alias));
    if (mode === 'create' && existing) {
      throw new QuiverError(ErrorCode.Unexpected, `alias exists and already aliased to another collection, alias: ${alias}`);
    }
    if (mode === 'alter' && !existing) throw new QuiverError(ErrorCode.Unexpected, `alias not found: ${alias}`);
    try {
      await this.coordinator.commit([
        { kind: 'check', key: K.collection(db, alias), expectedVersion: null },
        { kind: 'check', key: K.collection(db, collectionName), expectedVersion: target.version },
        {
          kind: 'put', key: K.alias(db, alias), value: JSON.stringify({ collectionName }),
          expectedVersion: existing?.version ?? null,
        },
      ]);
    } catch (err) {
      if (err instanceof ConflictError) {
        throw new QuiverError(ErrorCode.Unexpected, `alias ${alias} conflicts with a collection name or changed concurrently`);
      }
      throw err;
    }
  }

  async dropAlias(db: string, alias: string): Promise<void> {
    await this.coordinator.commit([{ kind: 'delete', key: K.alias(db, alias) }]);
  }

  private async aliasEntries(db: string, collectionName: string) {
    const all = await this.coordinator.list(K.aliasPrefix(db));
    return all.filter((v) => (JSON.parse(v.value) as AliasRecord).collectionName === collectionName);
  }

  private async update<T>(key: string, missing: () => Error, change: (v: T) => T): Promise<T> {
    for (let i = 0; i < MAX_RETRIES; i++) {
      const cur = await this.coordinator.get(key);
      if (!cur) throw missing();
      const next = change(JSON.parse(cur.value) as T);
      try {
        await this.coordinator.commit([{ kind: 'put', key, value: JSON.stringify(next), expectedVersion: cur.version }]);
        return next;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
    throw new QuiverError(ErrorCode.Unexpected, `update of ${key} kept conflicting`, { retryable: true });
  }
}
