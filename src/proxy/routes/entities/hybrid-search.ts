/** POST /v2/vectordb/entities/hybrid_search (and the legacy advanced_search): several ANN searches fused by a reranker. */
import { z } from 'zod';
import { invalidParameter } from '../../../shared/errors.ts';
import { requiredName } from '../../body.ts';
import { defineRoute, ok, type RequestContext } from '../../route.ts';
import {
  checkWindow, collectionFor, compileFilterFor, consistencySchema, exprParamsSchema, formatHits,
  outputFieldsSchema, partitionIdsFor, partitionNamesSchema, prepareRead, resolveOutputFields,
} from './common.ts';
import { fuse, parseRerank } from './rerank.ts';
import { buildSearchPlan } from './search-plan.ts';

const subSearch = z.object({
  data: z.array(z.unknown()),
  annsField: z.string().optional(),
  filter: z.string().optional(),
  exprParams: exprParamsSchema,
  limit: z.number().optional(),
  offset: z.number().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  searchParams: z.record(z.string(), z.unknown()).optional(),
});

const body = z.object({
  dbName: z.string().optional(),
  collectionName: requiredName(),
  search: z.array(subSearch).min(1),
  rerank: z.unknown().optional(),
  limit: z.number().optional(),
  offset: z.number().optional(),
  outputFields: outputFieldsSchema,
  partitionNames: partitionNamesSchema,
  consistencyLevel: consistencySchema,
});

async function handle(ctx: RequestContext, b: z.infer<typeof body>) {
  const c = await collectionFor(ctx, b.collectionName);
  const partitionIds = partitionIdsFor(c, b.partitionNames);
  const out = resolveOutputFields(c, b.outputFields, 'search');
  const limit = b.limit ?? 100;
  const offset = b.offset ?? 0;
  checkWindow(limit, offset);
  const rerank = parseRerank(b.rerank, b.search.length);
  await prepareRead(ctx, c, b.consistencyLevel);
  const plans = await Promise.all(
    // async: a sub-search that fails synchronously (a bad filter) must reject here like the
    // others, not throw out of map and leave an earlier sub-search's rejection unhandled.
    b.search.map(async (s) => {
      // The metric of a sub-search is the field's; Milvus ignores metricType there.
      const { metricType: _m, ...params } = (s.params ?? {}) as Record<string, unknown>;
      const filter = compileFilterFor(ctx, c, s.filter, s.exprParams);
      return buildSearchPlan(ctx, c, { ...s, params, searchParams: undefined, limit: s.limit ?? limit + offset }, filter, partitionIds);
    }),
  );
  const nq = plans[0].queries.data.length / (plans[0].queries.kind === 'b1' ? plans[0].queries.dim / 8 : plans[0].queries.dim);
  for (const p of plans) {
    if (p.queries.data.length / (p.queries.kind === 'b1' ? p.queries.dim / 8 : p.queries.dim) !== nq) {
      throw invalidParameter('every sub-search must have the same number of query vectors');
    }
  }
  const results = await Promise.all(plans.map((p) => ctx.services.reader.search(c, p)));
  const fused = Array.from({ length: nq }, (_, q) =>
    fuse(results.map((r) => r[q]), plans.map((p) => p.metric), rerank, limit + offset).slice(offset),
  );
  return ok(fused.flatMap((h) => formatHits(ctx, out, h)), { cost: 0, topks: fused.map((h) => h.length) });
}

export const hybridSearchRoute = defineRoute({ path: '/v2/vectordb/entities/hybrid_search', body, handle });
export const advancedSearchRoute = defineRoute({ path: '/v2/vectordb/entities/advanced_search', body, handle });
