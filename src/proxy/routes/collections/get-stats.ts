/** POST /v2/vectordb/collections/get_stats — {rowCount} (see collectionRowCount for its meaning). */
import { collectionNameBody } from '../../body.ts';
import { collectionRowCount } from '../../ops/collection-stats.ts';
import { defineRoute, ok } from '../../route.ts';

export const getCollectionStatsRoute = defineRoute({
  path: '/v2/vectordb/collections/get_stats',
  body: collectionNameBody,
  async handle(ctx, body) {
    const c = await ctx.services.catalog.requireCollection(ctx.dbName, body.collectionName);
    return ok({ rowCount: await collectionRowCount(ctx.services, c) });
  },
});
