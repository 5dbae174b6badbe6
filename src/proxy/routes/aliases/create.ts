/** POST /v2/vectordb/aliases/create — {collectionName*, aliasName*}. */
import { createAlias } from '../../ops/alias-ops.ts';
import { defineRoute, ok } from '../../route.ts';
import { aliasCollectionBody } from './schemas.ts';

export const createAliasRoute = defineRoute({
  path: '/v2/vectordb/aliases/create',
  body: aliasCollectionBody,
  async handle(ctx, body) {
    await createAlias(ctx.services, ctx.dbName, body.aliasName, body.collectionName);
    return ok({});
  },
});
