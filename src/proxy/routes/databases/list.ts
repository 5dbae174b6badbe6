/** POST /v2/vectordb/databases/list — database names ("default" included). */
import { z } from 'zod';
import { defineRoute, ok } from '../../route.ts';

export const listDatabasesRoute = defineRoute({
  path: '/v2/vectordb/databases/list',
  body: z.object({}),
  async handle(ctx) {
    return ok((await ctx.services.catalog.listDatabases()).map((db) => db.name));
  },
});
