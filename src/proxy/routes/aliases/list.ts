/** POST /v2/vectordb/aliases/list — alias names of the database, or of one collection. */
import { z } from 'zod';
import { defineRoute, ok } from '../../route.ts';

export const listAliasesRoute = defineRoute({
  path: '/v2/vectordb/aliases/list',
  body: z.object({ dbName: z.string().optional(), collectionName: z.string().optional() }),
  async handle(ctx, body) {
    const { catalog } = ctx.services;
    await catalog.requireDatabase(ctx.dbName);
    let aliases = await catalog.listAliases(ctx.dbName);
    if (body.collectionName) {
      const c = await catalog.requireCollection(ctx.dbName, body.collectionName);
      aliases = aliases.filter((a) => a.collectionName === c.name);
    }
    return ok(aliases.map((a) => a.alias));
  },
});
