/** POST /v2/vectordb/collections/rename — new name, optionally in another database (newDbName). */
import { z } from 'zod';
import { validateCollectionName } from '../../../shared/schema/names.ts';
import { requiredName } from '../../body.ts';
import { defineRoute, ok } from '../../route.ts';

export const renameCollectionRoute = defineRoute({
  path: '/v2/vectordb/collections/rename',
  body: z.object({
    dbName: z.string().optional(),
    collectionName: requiredName(),
    newCollectionName: requiredName(),
    newDbName: z.string().optional(),
  }),
  async handle(ctx, body) {
    const { catalog } = ctx.services;
    validateCollectionName(body.newCollectionName);
    const newDb = body.newDbName || ctx.dbName;
    const c = await catalog.requireCollection(ctx.dbName, body.collectionName);
    await catalog.renameCollection(c.dbName, c.name, newDb, body.newCollectionName);
    return ok({});
  },
});
