/** POST /v2/vectordb/indexes/drop_properties — removes index properties set by alter_properties. */
import { z } from 'zod';
import { requiredName } from '../../body.ts';
import { changeIndexProperties } from '../../ops/index-ops.ts';
import { defineRoute, ok } from '../../route.ts';

export const dropIndexPropertiesRoute = defineRoute({
  path: '/v2/vectordb/indexes/drop_properties',
  body: z.object({
    dbName: z.string().optional(),
    collectionName: requiredName(),
    indexName: requiredName(),
    propertyKeys: z.array(z.string()).nullish(),
  }),
  async handle(ctx, body) {
    const c = await ctx.services.catalog.requireCollection(ctx.dbName, body.collectionName);
    await changeIndexProperties(ctx.services, c, body.indexName, {}, body.propertyKeys ?? []);
    return ok({});
  },
});
