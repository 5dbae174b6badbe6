/** POST /v2/vectordb/aliases/drop — {aliasName*}; the collection stays. */
import { dropAlias } from '../../ops/alias-ops.ts';
import { defineRoute, ok } from '../../route.ts';
import { aliasBody } from './schemas.ts';

export const dropAliasRoute = defineRoute({
  path: '/v2/vectordb/aliases/drop',
  body: aliasBody,
  async handle(ctx, body) {
    await dropAlias(ctx.services, ctx.dbName, body.aliasName);
    return ok({});
  },
});
