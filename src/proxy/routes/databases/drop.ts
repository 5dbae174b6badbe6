/** POST /v2/vectordb/databases/drop — drops an empty database (missing: success; "default": error). */
import { dropDatabase } from '../../ops/database-ops.ts';
import { defineRoute, ok } from '../../route.ts';
import { databaseBody } from './schemas.ts';

export const dropDatabaseRoute = defineRoute({
  path: '/v2/vectordb/databases/drop',
  body: databaseBody,
  async handle(ctx, body) {
    await dropDatabase(ctx.services, body.dbName);
    return ok({});
  },
});
