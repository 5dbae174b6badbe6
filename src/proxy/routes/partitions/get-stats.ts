/** POST /v2/vectordb/partitions/get_stats — {rowCount}: exact when loaded here, else 0. */
import { partitionRowCount } from '../../ops/collection-stats.ts';
import { requirePartition } from '../../ops/partition-ops.ts';
import { defineRoute, ok } from '../../route.ts';
import { partitionBody } from './schemas.ts';

export const getPartitionStatsRoute = defineRoute({
  path: '/v2/vectordb/partitions/get_stats',
  body: partitionBody,
  async handle(ctx, body) {
    const c = await ctx.services.catalog.requireCollection(ctx.dbName, body.collectionName);
    const p = requirePartition(c, body.partitionName);
    return ok({ rowCount: await partitionRowCount(ctx.services, c, p.id) });
  },
});
