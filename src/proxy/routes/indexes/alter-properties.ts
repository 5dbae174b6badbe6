/**
 * POST /v2/vectordb/indexes/alter_properties — sets index properties (e.g. mmap.enabled), shown
 * by describe. Build settings (index_type, metric_type, M, efConstruction, quantization) answer 1100.
 */
import { z } from 'zod';
import { requiredName } from '../../body.ts';
import { changeIndexProperties } from '../../ops/index-ops.ts';
import { toStringProperties } from '../../ops/properties.ts';
import { defineRoute, ok } from '../../route.ts';

export const alterIndexPropertiesRoute = defineRoute({
  path: '/v2/vectordb/indexes/alter_properties',
  body: z.object({
    dbName: z.string().optional(),
    collectionName: requiredName(),
    indexName: requiredName(),
    properties: z.record(z.string(), z.unknown()).nullish(),
  }),
  async handle(ctx, body) {
    const c = await ctx.services.catalog.requireCollection(ctx.dbName, body.collectionName);
    await changeIndexProperties(ctx.services, c, body.indexName, toStringProperties(body.properties ?? undefined), []);
    return ok({});
  },
});
