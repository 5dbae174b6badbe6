/** POST /v2/vectordb/collections/compact — requests a full merge; answers {compactionID}. */
import { collectionNameBody } from '../../body.ts';
import { compactCollection } from '../../ops/collection-maintenance.ts';
import { defineRoute, ok } from '../../route.ts';

export const compactCollectionRoute = defineRoute({
  path: '/v2/vectordb/collections/compact',
  body: collectionNameBody,
  async handle(ctx, body) {
    const c = await ctx.services.catalog.requireCollection(ctx.dbName, body.collectionName);
    return ok({ compactionID: await compactCollection(ctx.services, c) });
  },
});
