/**
 * POST /v2/vectordb/collections/refresh_load — the read tier follows new segments by itself, so
 * this only checks the collection is loaded (101 otherwise, as Milvus) and makes sure it is
 * served here.
 */
import { collectionNameBody } from '../../body.ts';
import { collectionNotLoaded } from '../../ops/collection-loading.ts';
import { defineRoute, ok } from '../../route.ts';

export const refreshLoadRoute = defineRoute({
  path: '/v2/vectordb/collections/refresh_load',
  body: collectionNameBody,
  async handle(ctx, body) {
    const c = await ctx.services.catalog.requireCollection(ctx.dbName, body.collectionName);
    if (!c.loaded) throw collectionNotLoaded(c.name);
    await ctx.services.reader.load(c);
    return ok({});
  },
});
