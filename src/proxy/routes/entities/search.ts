/** POST /v2/vectordb/entities/search — ANN search (filtered, ranged, grouped) over one vector field. */
import { z } from 'zod';
import { requiredName } from '../../body.ts';
import { defineRoute, ok } from '../../route.ts';
import {
  collectionFor, compileFilterFor, consistencySchema, exprParamsSchema, formatHits, outputFieldsSchema,
  partitionIdsFor, partitionNamesSchema, prepareRead, resolveOutputFields,
} from './common.ts';
import { buildSearchPlan } from './search-plan.ts';

export const searchBody = z.object({
  dbName: z.string().optional(),
  collectionName: requiredName(),
  data: z.array(z.unknown()).optional(),
  ids: z.unknown().optional(),
  annsField: z.string().optional(),
  filter: z.string().optional(),
  exprParams: exprParamsSchema,
  limit: z.number().optional(),
  offset: z.number().optional(),
  outputFields: outputFieldsSchema,
  searchParams: z.record(z.string(), z.unknown()).optional(),
  groupingField: z.string().optional(),
  groupSize: z.number().int().positive().optional(),
  strictGroupSize: z.boolean().optional(),
  partitionNames: partitionNamesSchema,
  consistencyLevel: consistencySchema,
});

export const searchRoute = defineRoute({
  path: '/v2/vectordb/entities/search',
  body: searchBody,
  handle: async (ctx, body) => {
    const c = await collectionFor(ctx, body.collectionName);
    const filter = compileFilterFor(ctx, c, body.filter, body.exprParams);
    const partitionIds = partitionIdsFor(c, body.partitionNames);
    const out = resolveOutputFields(c, body.outputFields, 'search');
    await prepareRead(ctx, c, body.consistencyLevel);
    const plan = await buildSearchPlan(ctx, c, body, filter, partitionIds);
    const hits = await ctx.services.reader.search(c, plan);
    return ok(hits.flatMap((h) => formatHits(ctx, out, h)), { cost: 0, topks: hits.map((h) => h.length) });
  },
});
