/** POST /v2/vectordb/partitions/create — adds a partition (an existing one: success). */
import { createPartition } from '../../ops/partition-ops.ts';
import { defineRoute, ok } from '../../route.ts';
import { partitionBody } from './schemas.ts';

export const createPartitionRoute = defineRoute({
  path: '/v2/vectordb/partitions/create',
  body: partitionBody,
  async handle(ctx, body) {
    const c = await ctx.services.catalog.requireCollection(ctx.dbName, body.collectionName);
    await createPartition(ctx.services, c, body.partitionName);
    return ok({});
  },
});
