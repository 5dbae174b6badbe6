/**
 * POST /v2/vectordb/entities/delete — by filter, or by `id` when the filter is empty. A filter
 * that names primary keys only (`pk in [...]`) deletes those keys directly; any other filter is
 * evaluated at Strong consistency and the matching keys are deleted.
 */
import { z } from 'zod';
import { missingParameter } from '../../../shared/errors.ts';
import { pkEquality } from '../../../shared/filter/index.ts';
import { parsePrimaryKeys } from '../../../shared/schema/primary-keys.ts';
import type { PrimaryKey } from '../../../shared/schema/types.ts';
import { requiredName } from '../../body.ts';
import { defineRoute, ok } from '../../route.ts';
import { answerToken, collectionFor, compileFilterFor, exprParamsSchema, partitionIdsFor, prepareRead } from './common.ts';

export const deleteRoute = defineRoute({
  path: '/v2/vectordb/entities/delete',
  body: z.object({
    dbName: z.string().optional(),
    collectionName: requiredName(),
    partitionName: z.string().optional(),
    filter: z.string().optional(),
    id: z.unknown().optional(),
    exprParams: exprParamsSchema,
  }),
  handle: async (ctx, body) => {
    const c = await collectionFor(ctx, body.collectionName);
    const partitionIds = partitionIdsFor(c, body.partitionName ? [body.partitionName] : undefined);
    let pks: PrimaryKey[];
    if (!body.filter || body.filter.trim() === '') {
      if (body.id === undefined) throw missingParameter('CollectionFilterReq.Filter');
      pks = parsePrimaryKeys(c, body.id);
    } else {
      const filter = compileFilterFor(ctx, c, body.filter, body.exprParams)!;
      const direct = partitionIds === null ? pkEquality(filter) : null;
      if (direct) {
        pks = direct;
      } else {
        await prepareRead(ctx, c, 'Strong');
        const rows = await ctx.services.reader.query(c, { filter, partitionIds, limit: Number.MAX_SAFE_INTEGER, offset: 0 });
        pks = rows.map((r) => r.pk);
      }
    }
    if (pks.length > 0) {
      const offsets = await ctx.services.writer.delete(c, pks);
      answerToken(ctx, c, offsets);
    }
    return ok({ deleteCount: pks.length });
  },
});
