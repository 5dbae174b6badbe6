/** POST /v2/vectordb/collections/describe — schema, indexes, aliases and load state. */
import { describeCollection } from '../../../shared/schema/describe.ts';
import { collectionNameBody } from '../../body.ts';
import { effectiveLoadState } from '../../ops/collection-loading.ts';
import { defineRoute, ok } from '../../route.ts';

export const describeCollectionRoute = defineRoute({
  path: '/v2/vectordb/collections/describe',
  body: collectionNameBody,
  async handle(ctx, body) {
    const { catalog } = ctx.services;
    const c = await catalog.requireCollection(ctx.dbName, body.collectionName);
    const aliases = await catalog.aliasesOf(c.dbName, c.name);
    return ok(describeCollection(c, aliases, { loadState: effectiveLoadState(ctx.services, c) }));
  },
});
