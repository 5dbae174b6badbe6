/**
 * POST /v2/vectordb/collections/get_compaction_state — {state, executingPlanNo, ...} of the
 * compaction named by `jobID` (Milvus's field) or `compactionID` (what the Node SDK sends).
 */
import { z } from 'zod';
import { compactionState } from '../../ops/collection-maintenance.ts';
import { defineRoute, ok } from '../../route.ts';

const idSchema = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).nullish();

export const getCompactionStateRoute = defineRoute({
  path: '/v2/vectordb/collections/get_compaction_state',
  body: z.object({
    dbName: z.string().optional(),
    collectionName: z.string().optional(),
    jobID: idSchema,
    compactionID: idSchema,
  }),
  async handle(ctx, body) {
    return ok(await compactionState(ctx.services, body.jobID ?? body.compactionID ?? undefined));
  },
});
