/** POST /v2/vectordb/collections/flush — publishes buffered rows; waits for them when served here. */
import { collectionNameBody } from '../../body.ts';
import { flushCollection } from '../../ops/collection-maintenance.ts';
import { defineRoute, ok } from '../../route.ts';

export const flushCollectionRoute = defineRoute({
  path: '/v2/vectordb/collections/flush',
  body: collectionNameBody,
  async handle(ctx, body) {
    const c = await ctx.services.catalog.requireCollection(ctx.dbName, body.collectionName);
    await flushCollection(ctx.services, c, ctx.header, ctx.deadline);
    return ok({});
  },
});
