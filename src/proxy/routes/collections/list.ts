/** POST /v2/vectordb/collections/list — collection names of the database ([] when none). */
import { z } from 'zod';
import { defineRoute, ok } from '../../route.ts';

export const listCollectionsRoute = defineRoute({
  path: '/v2/vectordb/collections/list',
  body: z.object({ dbName: z.string().optional() }),
  async handle(ctx) {
    const { catalog } = ctx.services;
    await catalog.requireDatabase(ctx.dbName);
    return ok((await catalog.listCollections(ctx.dbName)).map((c) => c.name));
  },
});
