/**
 * POST /v2/vectordb/indexes/create — `indexParams*: [{fieldName*, indexName, metricType,
 * indexType, params}]` (params.index_type is used when indexType is empty). Vector indexes are
 * built by the indexer; scalar-field indexes are recorded only (filters scan columns).
 */
import { z } from 'zod';
import { parseIndexParams } from '../../../shared/schema/create-request.ts';
import { requiredName } from '../../body.ts';
import { createIndexes } from '../../ops/index-ops.ts';
import { defineRoute, ok } from '../../route.ts';

export const createIndexRoute = defineRoute({
  path: '/v2/vectordb/indexes/create',
  body: z.object({
    dbName: z.string().optional(),
    collectionName: requiredName(),
    indexParams: z.unknown(),
  }),
  async handle(ctx, body) {
    const requests = parseIndexParams(body.indexParams);
    const c = await ctx.services.catalog.requireCollection(ctx.dbName, body.collectionName);
    await createIndexes(ctx.services, c, requests);
    return ok({});
  },
});
