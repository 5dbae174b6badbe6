/** POST /v2/vectordb/collections/drop_properties — removes `propertyKeys` (absent keys ignored). */
import { z } from 'zod';
import { requiredName } from '../../body.ts';
import { withoutKeys } from '../../ops/properties.ts';
import { defineRoute, ok } from '../../route.ts';

export const dropCollectionPropertiesRoute = defineRoute({
  path: '/v2/vectordb/collections/drop_properties',
  body: z.object({
    dbName: z.string().optional(),
    collectionName: requiredName(),
    propertyKeys: z.array(z.string()).nullish(),
  }),
  async handle(ctx, body) {
    const { catalog } = ctx.services;
    const c = await catalog.requireCollection(ctx.dbName, body.collectionName);
    const keys = body.propertyKeys ?? [];
    await catalog.updateCollection(c.dbName, c.name, (cur) => ({ ...cur, properties: withoutKeys(cur.properties, keys) }));
    return ok({});
  },
});
