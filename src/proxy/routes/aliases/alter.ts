/** POST /v2/vectordb/aliases/alter — re-points an alias at {collectionName*}. */
import { alterAlias } from '../../ops/alias-ops.ts';
import { defineRoute, ok } from '../../route.ts';
import { aliasCollectionBody } from './schemas.ts';

export const alterAliasRoute = defineRoute({
  path: '/v2/vectordb/aliases/alter',
  body: aliasCollectionBody,
  async handle(ctx, body) {
    await alterAlias(ctx.services, ctx.dbName, body.aliasName, body.collectionName);
    return ok({});
  },
});
