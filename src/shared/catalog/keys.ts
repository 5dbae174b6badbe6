/**
 * Coordinator key layout. Every key quiver writes to the coordinator is built here, so the
 * layout is documented in one place and adapters stay generic.
 */
export const catalogKeys = {
  database: (db: string) => `catalog/db/${db}`,
  databasePrefix: () => 'catalog/db/',
  collection: (db: string, name: string) => `catalog/coll/${db}/${name}`,
  collectionPrefix: (db?: string) => (db === undefined ? 'catalog/coll/' : `catalog/coll/${db}/`),
  collectionById: (id: number) => `catalog/collid/${id}`,
  alias: (db: string, alias: string) => `catalog/alias/${db}/${alias}`,
  aliasPrefix: (db: string) => `catalog/alias/${db}/`,
  idSequence: () => 'catalog/seq/id',
};

/**
 * Users, roles and API keys. They live under catalog/ so every proxy sees them and the catalog
 * backups carry them (values hold only hashes of secrets, never a password or a key).
 */
export const authKeys = {
  prefix: () => 'catalog/auth/',
  user: (name: string) => `catalog/auth/user/${name}`,
  userPrefix: () => 'catalog/auth/user/',
  role: (name: string) => `catalog/auth/role/${name}`,
  rolePrefix: () => 'catalog/auth/role/',
  apiKey: (id: string) => `catalog/auth/key/${id}`,
  apiKeyPrefix: () => 'catalog/auth/key/',
};

export const shardKeys = {
  manifest: (collectionId: number, shard: number) => `shard/manifest/${collectionId}/${shard}`,
  manifestPrefix: (collectionId?: number) =>
    collectionId === undefined ? 'shard/manifest/' : `shard/manifest/${collectionId}/`,
  watermark: (collectionId: number, shard: number) => `shard/watermark/${collectionId}/${shard}`,
  watermarkPrefix: (collectionId?: number) =>
    collectionId === undefined ? 'shard/watermark/' : `shard/watermark/${collectionId}/`,
  /** Asks the shard owners to publish buffered rows now (value: request time). */
  flushRequest: (collectionId: number) => `shard/request/flush/${collectionId}`,
  /** Asks the shard owners to merge all segments now (value: request time). */
  compactRequest: (collectionId: number) => `shard/request/compact/${collectionId}`,
  requestPrefix: () => 'shard/request/',
};

/** Parses "<prefix><collectionId>/<shard>" keys written by shardKeys. */
export function parseShardKey(key: string): { collectionId: number; shard: number } | null {
  const m = /\/(\d+)\/(\d+)$/.exec(key);
  return m ? { collectionId: Number(m[1]), shard: Number(m[2]) } : null;
}
