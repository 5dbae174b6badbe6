/** POST /v2/vectordb/collections/load — marks the collection loaded and serves it here. */
import { collectionNameBody } from '../../body.ts';
import { loadCollection } from '../../ops/collection-loading.ts';
import { defineRoute, ok } from '../../route.ts';

export const loadCollectionRoute = defineRoute({
  path: '/v2/vectordb/collections/load',
  body: collectionNameBody,
  async handle(ctx, body) {
    const c = await ctx.services.catalog.requireCollection(ctx.dbName, body.collectionName);
    await loadCollection(ctx.services, c);
    return ok({});
  },
});
