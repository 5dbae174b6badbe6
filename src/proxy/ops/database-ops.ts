/** Databases: namespaces of collections and aliases, with Milvus key/value properties. */
import { ErrorCode, hasCode, invalidParameter } from '../../shared/errors.ts';
import { MAX_NAME_LENGTH } from '../../shared/schema/names.ts';
import type { DatabaseInfo } from '../../shared/schema/types.ts';
import type { ProxyServices } from '../services.ts';
import { keyValueList } from './properties.ts';

/** 1100 unless `name` is a valid database name (Milvus's entity name rules). */
export function validateDatabaseName(name: string): void {
  const prefix = `Invalid database name: ${name}.`;
  if (name.length > MAX_NAME_LENGTH) {
    throw invalidParameter(`${prefix} The length of a database name must be less than ${MAX_NAME_LENGTH} characters.`);
  }
  if (!/^[A-Za-z_]/.test(name)) {
    throw invalidParameter(`${prefix} The first character of a database name must be an underscore or letter.`);
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw invalidParameter(`${prefix} Database name can only contain numbers, letters and underscores.`);
  }
}

/** databases/create; an existing name answers 65535 "database already exist". */
export async function createDatabase(s: ProxyServices, name: string, properties: Record<string, string>): Promise<void> {
  validateDatabaseName(name);
  const id = await s.catalog.allocateIds(1);
  await s.catalog.createDatabase({ id, name, properties, createdAt: s.now() });
}

/** databases/drop. Only an empty database; a missing one succeeds, as in Milvus. */
export async function dropDatabase(s: ProxyServices, name: string): Promise<void> {
  try {
    await s.catalog.dropDatabase(name);
  } catch (err) {
    if (!hasCode(err, ErrorCode.DatabaseNotFound)) throw err;
  }
}

/** databases/describe's data. */
export function describeDatabase(db: DatabaseInfo): { dbName: string; dbID: number; properties: { key: string; value: string }[] } {
  return { dbName: db.name, dbID: db.id, properties: keyValueList(db.properties) };
}
