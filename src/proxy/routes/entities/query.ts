/** POST /v2/vectordb/entities/query — rows matching a filter, or `count(*)`. */
import { z } from 'zod';
import { requiredName } from '../../body.ts';
import { defineRoute, ok } from '../../route.ts';
import {
  checkWindow, collectionFor, compileFilterFor, consistencySchema, exprParamsSchema, formatFound,
  outputFieldsSchema, partitionIdsFor, partitionNamesSchema, prepareRead, resolveOutputFields,
} from './common.ts';

export const queryRoute = defineRoute({
  path: '/v2/vectordb/entities/query',
  body: z.object({
    dbName: z.string().optional(),
    collectionName: requiredName(),
    filter: z.string().optional(),
    outputFields: outputFieldsSchema,
    limit: z.number().optional(),
    offset: z.number().optional(),
    partitionNames: partitionNamesSchema,
    exprParams: exprParamsSchema,
    consistencyLevel: consistencySchema,
  }),
  handle: async (ctx, body) => {
    const c = await collectionFor(ctx, body.collectionName);
    const filter = compileFilterFor(ctx, c, body.filter, body.exprParams);
    const partitionIds = partitionIdsFor(c, body.partitionNames);
    const fields = (body.outputFields ?? []).map((f) => f.trim());
    if (fields.some((f) => f.toLowerCase() === 'count(*)')) {
      await prepareRead(ctx, c, body.consistencyLevel);
      const n = await ctx.services.reader.count(c, filter, partitionIds);
      return ok([{ 'count(*)': n }], { cost: 0 });
    }
    const limit = body.limit ?? 100;
    const offset = body.offset ?? 0;
    checkWindow(limit, offset);
    const plan = resolveOutputFields(c, body.outputFields, 'query');
    await prepareRead(ctx, c, body.consistencyLevel);
    const rows = await ctx.services.reader.query(c, { filter, partitionIds, limit, offset });
    return ok(formatFound(ctx, plan, rows), { cost: 0 });
  },
});
