/**
 * POST /v2/vectordb/partitions/release — accepted and answered {} (quiver serves whole
 * collections; releasing the collection frees memory). Unknown partition names answer 200.
 */
import { requirePartition } from '../../ops/partition-ops.ts';
import { defineRoute, ok } from '../../route.ts';
import { partitionsBody } from './schemas.ts';

export const releasePartitionsRoute = defineRoute({
  path: '/v2/vectordb/partitions/release',
  body: partitionsBody,
  async handle(ctx, body) {
    const c = await ctx.services.catalog.requireCollection(ctx.dbName, body.collectionName);
    for (const name of body.partitionNames) requirePartition(c, name);
    return ok({});
  },
});
