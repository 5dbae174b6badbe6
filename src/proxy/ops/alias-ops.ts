/**
 * Aliases: alternative names of a collection within a database, resolved by every collection
 * lookup. Errors follow Milvus: 1600 for an alias that does not exist.
 */
import { QuiverError } from '../../shared/errors.ts';
import { validateAliasName } from '../../shared/schema/names.ts';
import type { ProxyServices } from '../services.ts';

/** Milvus's ErrAliasNotFound code. */
export const ALIAS_NOT_FOUND = 1600;

/** 1600 "alias not found[database=db][alias=name]". */
export function aliasNotFound(dbName: string, alias: string): QuiverError {
  return new QuiverError(ALIAS_NOT_FOUND, `alias not found[database=${dbName}][alias=${alias}]`);
}

/**
 * aliases/create. Creating an alias that already points at that collection succeeds (Milvus
 * treats it as a duplicate request); pointing at another collection answers 65535.
 */
export async function createAlias(s: ProxyServices, dbName: string, alias: string, collectionName: string): Promise<void> {
  validateAliasName(alias);
  await s.catalog.requireDatabase(dbName);
  if ((await s.catalog.getAlias(dbName, alias)) === collectionName) return;
  await s.catalog.putAlias(dbName, alias, collectionName, 'create');
}

/** aliases/alter: re-points an existing alias (1600 when it does not exist). */
export async function alterAlias(s: ProxyServices, dbName: string, alias: string, collectionName: string): Promise<void> {
  await s.catalog.requireDatabase(dbName);
  if ((await s.catalog.getAlias(dbName, alias)) === null) throw aliasNotFound(dbName, alias);
  await s.catalog.putAlias(dbName, alias, collectionName, 'alter');
}

/** aliases/drop (1600 when it does not exist). */
export async function dropAlias(s: ProxyServices, dbName: string, alias: string): Promise<void> {
  await s.catalog.requireDatabase(dbName);
  if ((await s.catalog.getAlias(dbName, alias)) === null) throw aliasNotFound(dbName, alias);
  await s.catalog.dropAlias(dbName, alias);
}
