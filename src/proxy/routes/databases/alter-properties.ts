/** POST /v2/vectordb/databases/alter_properties — same as databases/alter. */
import { defineRoute, ok } from '../../route.ts';
import { alterDatabase } from './alter.ts';
import { databasePropertiesBody } from './schemas.ts';

export const alterDatabasePropertiesRoute = defineRoute({
  path: '/v2/vectordb/databases/alter_properties',
  body: databasePropertiesBody,
  async handle(ctx, body) {
    await alterDatabase(ctx, body);
    return ok({});
  },
});
