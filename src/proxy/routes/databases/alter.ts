/**
 * POST /v2/vectordb/databases/alter — merges `properties` into the database's properties
 * (values stored as strings). Also served as databases/alter_properties (alter-properties.ts).
 */
import { mergeProperties, toStringProperties } from '../../ops/properties.ts';
import { defineRoute, ok, type RequestContext } from '../../route.ts';
import { databasePropertiesBody } from './schemas.ts';

/** Shared by databases/alter and databases/alter_properties. */
export async function alterDatabase(
  ctx: RequestContext,
  body: { dbName: string; properties?: Record<string, unknown> | null },
): Promise<void> {
  const changes = toStringProperties(body.properties ?? undefined);
  await ctx.services.catalog.updateDatabase(body.dbName, (db) => ({
    ...db,
    properties: mergeProperties(db.properties, changes),
  }));
}

export const alterDatabaseRoute = defineRoute({
  path: '/v2/vectordb/databases/alter',
  body: databasePropertiesBody,
  async handle(ctx, body) {
    await alterDatabase(ctx, body);
    return ok({});
  },
});
