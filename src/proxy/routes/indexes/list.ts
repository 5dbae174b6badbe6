/** POST /v2/vectordb/indexes/list — index names ([] when none, as Milvus). */
import { collectionNameBody } from '../../body.ts';
import { defineRoute, ok } from '../../route.ts';

export const listIndexesRoute = defineRoute({
  path: '/v2/vectordb/indexes/list',
  body: collectionNameBody,
  async handle(ctx, body) {
    const c = await ctx.services.catalog.requireCollection(ctx.dbName, body.collectionName);
    return ok(c.indexes.map((x) => x.indexName));
  },
});
