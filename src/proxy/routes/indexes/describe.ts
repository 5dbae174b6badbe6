/** POST /v2/vectordb/indexes/describe — [one index with build progress]; 700 when missing. */
import { describeIndex } from '../../../shared/schema/describe.ts';
import { indexProgress } from '../../ops/collection-stats.ts';
import { requireIndex } from '../../ops/index-ops.ts';
import { defineRoute, ok } from '../../route.ts';
import { indexNameBody } from './schemas.ts';

export const describeIndexRoute = defineRoute({
  path: '/v2/vectordb/indexes/describe',
  body: indexNameBody,
  async handle(ctx, body) {
    const c = await ctx.services.catalog.requireCollection(ctx.dbName, body.collectionName);
    const spec = requireIndex(c, body.indexName);
    return ok([describeIndex(spec, await indexProgress(ctx.services, c, spec))]);
  },
});
