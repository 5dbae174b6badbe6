/**
 * POST /v2/vectordb/collections/get_load_state — {loadState[, loadProgress]}. A missing
 * collection answers 100 "collection not found[collection=x]", a missing partition 200.
 */
import { z } from 'zod';
import { ErrorCode, QuiverError } from '../../../shared/errors.ts';
import { requiredName } from '../../body.ts';
import { effectiveLoadState, loadStateAnswer } from '../../ops/collection-loading.ts';
import { requirePartition } from '../../ops/partition-ops.ts';
import { defineRoute, ok } from '../../route.ts';

export const getLoadStateRoute = defineRoute({
  path: '/v2/vectordb/collections/get_load_state',
  body: z.object({
    dbName: z.string().optional(),
    collectionName: requiredName(),
    partitionNames: z.array(z.string()).nullish(),
  }),
  async handle(ctx, body) {
    const { catalog } = ctx.services;
    await catalog.requireDatabase(ctx.dbName);
    const c = await catalog.findCollection(ctx.dbName, body.collectionName);
    if (!c) {
      throw new QuiverError(ErrorCode.CollectionNotFound, `collection not found[collection=${body.collectionName}]`);
    }
    for (const name of body.partitionNames ?? []) requirePartition(c, name);
    return ok(loadStateAnswer(effectiveLoadState(ctx.services, c, true)));
  },
});
