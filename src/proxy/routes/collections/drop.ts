/** POST /v2/vectordb/collections/drop — removes the collection and its data (missing: success). */
import { collectionNameBody } from '../../body.ts';
import { dropCollection } from '../../ops/collection-lifecycle.ts';
import { defineRoute, ok } from '../../route.ts';

export const dropCollectionRoute = defineRoute({
  path: '/v2/vectordb/collections/drop',
  body: collectionNameBody,
  async handle(ctx, body) {
    await dropCollection(ctx.services, ctx.dbName, body.collectionName);
    return ok({});
  },
});
