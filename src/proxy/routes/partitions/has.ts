/** POST /v2/vectordb/partitions/has — {has}. */
import { defineRoute, ok } from '../../route.ts';
import { partitionBody } from './schemas.ts';

export const hasPartitionRoute = defineRoute({
  path: '/v2/vectordb/partitions/has',
  body: partitionBody,
  async handle(ctx, body) {
    const c = await ctx.services.catalog.requireCollection(ctx.dbName, body.collectionName);
    return ok({ has: c.partitions.some((p) => p.name === body.partitionName) });
  },
});
