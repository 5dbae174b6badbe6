/** POST /v2/vectordb/databases/describe — {dbName, dbID, properties:[{key,value}]}; 800 when missing. */
import { describeDatabase } from '../../ops/database-ops.ts';
import { defineRoute, ok } from '../../route.ts';
import { databaseBody } from './schemas.ts';

export const describeDatabaseRoute = defineRoute({
  path: '/v2/vectordb/databases/describe',
  body: databaseBody,
  async handle(ctx, body) {
    return ok(describeDatabase(await ctx.services.catalog.requireDatabase(body.dbName)));
  },
});
