/**
 * Creating and dropping collections across the catalog, the log, the manifests and the object
 * store. Ordering is what keeps the system consistent without transactions across them:
 *  - create makes the log topic before the catalog entry, so an indexer never sees a collection
 *    without a topic; if the catalog commit then fails the topic is removed again.
 *  - drop removes the catalog entry first (the collection disappears for every proxy at once),
 *    then everything it owned. Leftovers of a crash in between belong to an id no catalog entry
 *    names any more, so they are garbage, never data someone can read.
 */
import { shardKeys } from '../../shared/catalog/keys.ts';
import { ErrorCode, QuiverError, invalidParameter } from '../../shared/errors.ts';
import { jsonLogger, type Logger } from '../../shared/logger.ts';
import { collectionPrefix } from '../../shared/manifest/manifest.ts';
import { buildCollection } from '../../shared/schema/build-collection.ts';
import type { CreateCollectionRequest } from '../../shared/schema/create-request.ts';
import { DEFAULT_PARTITION, type CollectionInfo } from '../../shared/schema/types.ts';
import type { ProxyServices } from '../services.ts';
import { scalarIndexSpecs } from './scalar-index.ts';

/** Object-store folder of the claim checks (oversized writes) of a collection. */
export function claimPrefix(collectionId: number): string {
  return `claims/${collectionId}/`;
}

/**
 * collections/create. Validates and builds the schema (schema module), allocates the collection
 * and default-partition ids, creates the topic, commits the catalog entry and, when the built
 * collection is to be loaded (quick setup, or indexes for every vector field), loads it here.
 * A taken name answers 65535 "already exists".
 */
export async function createCollection(
  s: ProxyServices,
  dbName: string,
  req: CreateCollectionRequest,
  logger: Logger = jsonLogger('proxy'),
): Promise<CollectionInfo> {
  await s.catalog.requireDatabase(dbName);
  const firstId = await s.catalog.allocateIds(2);
  const now = s.now();
  const built = buildCollection(req, { collectionId: firstId, now, dbName });
  const scalar = scalarIndexSpecs(built.collection.fields, built.ignoredIndexes, built.collection.indexes);
  const info: CollectionInfo = {
    ...built.collection,
    indexes: [...built.collection.indexes, ...scalar],
    partitions: [{ name: DEFAULT_PARTITION, id: firstId + 1, createdAt: now }],
    topic: `${s.settings.topicPrefix}${firstId}`,
  };
  // Checked before creating the topic to spare the log a useless create and delete; the catalog
  // commit below still decides races.
  const existing = await s.catalog.findCollection(dbName, info.name);
  if (existing) {
    throw new QuiverError(
      ErrorCode.Unexpected,
      existing.name === info.name
        ? `collection already exists: ${info.name}`
        : `collection name [${info.name}] conflicts with an existing alias`,
    );
  }
  await s.log.createTopic(info.topic, info.shardsNum);
  try {
    await s.catalog.createCollection(info);
  } catch (err) {
    await s.log.deleteTopic(info.topic).catch((cause: unknown) =>
      logger.warn('could not remove the topic of a collection that was not created', { topic: info.topic, error: String(cause) }),
    );
    throw err;
  }
  if (info.loaded) await s.reader.load(info);
  return info;
}

/**
 * collections/drop. Dropping a collection that does not exist succeeds, as in Milvus; dropping
 * through an alias is refused (1100). Cleanup after the catalog commit is best effort: failures
 * are logged, and what stays behind is unreachable.
 */
export async function dropCollection(
  s: ProxyServices,
  dbName: string,
  name: string,
  logger: Logger = jsonLogger('proxy'),
): Promise<void> {
  await s.catalog.requireDatabase(dbName);
  if (await s.catalog.getAlias(dbName, name)) {
    throw invalidParameter(`cannot drop the collection via alias = ${name}`);
  }
  const c = await s.catalog.dropCollection(dbName, name);
  if (!c) return;
  const step = async (what: string, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (err) {
      logger.warn(`drop collection: ${what} failed`, { collection: c.name, collectionId: c.id, error: String(err) });
    }
  };
  await step('release', () => s.reader.release(c.id));
  s.sessions.forget(c.id);
  await step('delete topic', () => s.log.deleteTopic(c.topic));
  await step('delete manifests', () => s.manifests.deleteCollection(c.id, c.shardsNum));
  await step('delete requests', () =>
    s.coordinator.commit([
      { kind: 'delete', key: shardKeys.flushRequest(c.id) },
      { kind: 'delete', key: shardKeys.compactRequest(c.id) },
    ]),
  );
  for (const prefix of [collectionPrefix(c.id), claimPrefix(c.id)]) {
    await step(`delete objects under ${prefix}`, async () => {
      for (const obj of await s.objects.list(prefix)) await s.objects.delete(obj.key);
    });
  }
}
