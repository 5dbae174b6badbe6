/** POST /v2/vectordb/databases/drop_properties — removes `propertyKeys` (absent keys ignored). */
import { withoutKeys } from '../../ops/properties.ts';
import { defineRoute, ok } from '../../route.ts';
import { databasePropertyKeysBody } from './schemas.ts';

export const dropDatabasePropertiesRoute = defineRoute({
  path: '/v2/vectordb/databases/drop_properties',
  body: databasePropertyKeysBody,
  async handle(ctx, body) {
    const keys = body.propertyKeys ?? [];
    await ctx.services.catalog.updateDatabase(body.dbName, (db) => ({ ...db, properties: withoutKeys(db.properties, keys) }));
    return ok({});
  },
});
