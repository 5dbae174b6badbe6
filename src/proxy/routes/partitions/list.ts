/** POST /v2/vectordb/partitions/list — partition names, "_default" first. */
import { collectionNameBody } from '../../body.ts';
import { defineRoute, ok } from '../../route.ts';

export const listPartitionsRoute = defineRoute({
  path: '/v2/vectordb/partitions/list',
  body: collectionNameBody,
  async handle(ctx, body) {
    const c = await ctx.services.catalog.requireCollection(ctx.dbName, body.collectionName);
    return ok(c.partitions.map((p) => p.name));
  },
});
