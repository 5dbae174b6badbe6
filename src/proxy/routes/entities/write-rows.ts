/** insert and upsert: validate the whole batch, assign auto ids, append to the log. */
import { z } from 'zod';
import { invalidParameter } from '../../../shared/errors.ts';
import { formatPrimaryKey } from '../../../shared/schema/primary-keys.ts';
import { validateRows } from '../../../shared/schema/rows.ts';
import { primaryField } from '../../../shared/schema/types.ts';
import { requiredName } from '../../body.ts';
import { ok, type RequestContext, type RouteResult } from '../../route.ts';
import { answerToken, collectionFor, writePartitionId } from './common.ts';

export const writeBody = z.object({
  dbName: z.string().optional(),
  collectionName: requiredName(),
  partitionName: z.string().optional(),
  data: z.array(z.unknown()),
  partialUpdate: z.boolean().optional(),
});

export async function writeRows(ctx: RequestContext, body: z.infer<typeof writeBody>, mode: 'insert' | 'upsert'): Promise<RouteResult> {
  const c = await collectionFor(ctx, body.collectionName);
  if (body.partialUpdate) throw invalidParameter('partialUpdate is not supported; send whole rows');
  if (body.data.length === 0) throw invalidParameter('data is empty');
  const partitionId = writePartitionId(c, body.partitionName);
  const pk = primaryField(c);
  // Auto ids come from one sequence for Int64 and VarChar keys alike (VarChar keys get their text).
  const ids = pk.autoId && mode === 'insert' ? await ctx.services.ids.allocate(body.data.length) : [];
  const batch = validateRows(c, body.data, {
    partitionId,
    mode,
    allocateIds: (n) => ids.slice(0, n),
  });
  const offsets = await ctx.services.writer.write(c, batch);
  answerToken(ctx, c, offsets);
  const keys = batch.pks.map((k) => formatPrimaryKey(k, ctx.int64AsNumber));
  const data = mode === 'insert' ? { insertCount: keys.length, insertIds: keys } : { upsertCount: keys.length, upsertIds: keys };
  return ok(data, { cost: 0 });
}
