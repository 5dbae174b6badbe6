/** POST /v2/vectordb/partitions/drop — removes a partition and, eventually, its rows. */
import { dropPartition } from '../../ops/partition-ops.ts';
import { defineRoute, ok } from '../../route.ts';
import { partitionBody } from './schemas.ts';

export const dropPartitionRoute = defineRoute({
  path: '/v2/vectordb/partitions/drop',
  body: partitionBody,
  async handle(ctx, body) {
    const c = await ctx.services.catalog.requireCollection(ctx.dbName, body.collectionName);
    await dropPartition(ctx.services, c, body.partitionName);
    return ok({});
  },
});
