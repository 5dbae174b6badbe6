/**
 * POST /v2/vectordb/indexes/drop — removes an index. As in Milvus, a missing index is not an
 * error and a loaded collection's vector index cannot be dropped before release.
 */
import { dropIndex } from '../../ops/index-ops.ts';
import { defineRoute, ok } from '../../route.ts';
import { indexNameBody } from './schemas.ts';

export const dropIndexRoute = defineRoute({
  path: '/v2/vectordb/indexes/drop',
  body: indexNameBody,
  async handle(ctx, body) {
    const c = await ctx.services.catalog.requireCollection(ctx.dbName, body.collectionName);
    await dropIndex(ctx.services, c, body.indexName);
    return ok({});
  },
});
