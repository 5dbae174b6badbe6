/** POST /v2/vectordb/collections/release — stops serving the collection. */
import { collectionNameBody } from '../../body.ts';
import { releaseCollection } from '../../ops/collection-loading.ts';
import { defineRoute, ok } from '../../route.ts';

export const releaseCollectionRoute = defineRoute({
  path: '/v2/vectordb/collections/release',
  body: collectionNameBody,
  async handle(ctx, body) {
    const c = await ctx.services.catalog.requireCollection(ctx.dbName, body.collectionName);
    await releaseCollection(ctx.services, c);
    return ok({});
  },
});
