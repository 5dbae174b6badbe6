/**
 * POST /v2/vectordb/partitions/load — quiver serves whole collections, so loading partitions
 * loads the collection (a superset: searches restricted to those partitions work as in Milvus).
 * Unknown partition names answer 200.
 */
import { loadCollection } from '../../ops/collection-loading.ts';
import { requirePartition } from '../../ops/partition-ops.ts';
import { defineRoute, ok } from '../../route.ts';
import { partitionsBody } from './schemas.ts';

export const loadPartitionsRoute = defineRoute({
  path: '/v2/vectordb/partitions/load',
  body: partitionsBody,
  async handle(ctx, body) {
    const c = await ctx.services.catalog.requireCollection(ctx.dbName, body.collectionName);
    for (const name of body.partitionNames) requirePartition(c, name);
    await loadCollection(ctx.services, c);
    return ok({});
  },
});
