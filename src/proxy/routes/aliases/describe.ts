/** POST /v2/vectordb/aliases/describe — {dbName, collectionName, aliasName}; 1600 when missing. */
import { aliasNotFound } from '../../ops/alias-ops.ts';
import { defineRoute, ok } from '../../route.ts';
import { aliasBody } from './schemas.ts';

export const describeAliasRoute = defineRoute({
  path: '/v2/vectordb/aliases/describe',
  body: aliasBody,
  async handle(ctx, body) {
    const { catalog } = ctx.services;
    await catalog.requireDatabase(ctx.dbName);
    const collectionName = await catalog.getAlias(ctx.dbName, body.aliasName);
    if (collectionName === null) throw aliasNotFound(ctx.dbName, body.aliasName);
    return ok({ dbName: ctx.dbName, collectionName, aliasName: body.aliasName });
  },
});
