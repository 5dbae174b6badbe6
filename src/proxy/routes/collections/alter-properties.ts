/**
 * POST /v2/vectordb/collections/alter_properties — merges `properties` into the collection's
 * properties. Values are stored as strings; collection.ttl.seconds must be a non-negative
 * integer. Other keys (mmap.enabled, consistency settings, ...) are stored verbatim.
 */
import { z } from 'zod';
import { requiredName } from '../../body.ts';
import { mergeProperties, toStringProperties, validateCollectionProperties } from '../../ops/properties.ts';
import { defineRoute, ok } from '../../route.ts';

export const alterCollectionPropertiesRoute = defineRoute({
  path: '/v2/vectordb/collections/alter_properties',
  body: z.object({
    dbName: z.string().optional(),
    collectionName: requiredName(),
    properties: z.record(z.string(), z.unknown()).nullish(),
  }),
  async handle(ctx, body) {
    const { catalog } = ctx.services;
    const changes = toStringProperties(body.properties ?? undefined);
    validateCollectionProperties(changes);
    const c = await catalog.requireCollection(ctx.dbName, body.collectionName);
    await catalog.updateCollection(c.dbName, c.name, (cur) => ({
      ...cur,
      properties: mergeProperties(cur.properties, changes),
    }));
    return ok({});
  },
});
