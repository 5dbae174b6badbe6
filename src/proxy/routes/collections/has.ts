/** POST /v2/vectordb/collections/has — {has} (aliases count, as in Milvus). */
import { collectionNameBody } from '../../body.ts';
import { defineRoute, ok } from '../../route.ts';

export const hasCollectionRoute = defineRoute({
  path: '/v2/vectordb/collections/has',
  body: collectionNameBody,
  async handle(ctx, body) {
    const { catalog } = ctx.services;
    await catalog.requireDatabase(ctx.dbName);
    return ok({ has: (await catalog.findCollection(ctx.dbName, body.collectionName)) !== null });
  },
});
