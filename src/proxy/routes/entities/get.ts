/** POST /v2/vectordb/entities/get — rows by primary key. */
import { z } from 'zod';
import { parsePrimaryKeys } from '../../../shared/schema/primary-keys.ts';
import { requiredName } from '../../body.ts';
import { defineRoute, ok } from '../../route.ts';
import {
  collectionFor, consistencySchema, formatFound, outputFieldsSchema, partitionIdsFor,
  partitionNamesSchema, prepareRead, resolveOutputFields,
} from './common.ts';

export const getRoute = defineRoute({
  path: '/v2/vectordb/entities/get',
  body: z.object({
    dbName: z.string().optional(),
    collectionName: requiredName(),
    id: z.unknown().refine((v) => v !== undefined && v !== null, { message: 'required' }),
    outputFields: outputFieldsSchema,
    partitionNames: partitionNamesSchema,
    consistencyLevel: consistencySchema,
  }),
  handle: async (ctx, body) => {
    const c = await collectionFor(ctx, body.collectionName);
    const pks = parsePrimaryKeys(c, body.id);
    const plan = resolveOutputFields(c, body.outputFields, 'query');
    const partitionIds = partitionIdsFor(c, body.partitionNames);
    await prepareRead(ctx, c, body.consistencyLevel);
    const rows = await ctx.services.reader.getByPks(c, pks, partitionIds);
    return ok(formatFound(ctx, plan, rows), { cost: 0 });
  },
});
