/** POST /v2/vectordb/databases/create — {dbName*, properties{}}. */
import { createDatabase } from '../../ops/database-ops.ts';
import { toStringProperties } from '../../ops/properties.ts';
import { defineRoute, ok } from '../../route.ts';
import { databasePropertiesBody } from './schemas.ts';

export const createDatabaseRoute = defineRoute({
  path: '/v2/vectordb/databases/create',
  body: databasePropertiesBody,
  async handle(ctx, body) {
    await createDatabase(ctx.services, body.dbName, toStringProperties(body.properties ?? undefined));
    return ok({});
  },
});
