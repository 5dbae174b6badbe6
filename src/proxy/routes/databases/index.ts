/** The database endpoints. */
import type { RouteDef } from '../../route.ts';
import { alterDatabaseRoute } from './alter.ts';
import { alterDatabasePropertiesRoute } from './alter-properties.ts';
import { createDatabaseRoute } from './create.ts';
import { describeDatabaseRoute } from './describe.ts';
import { dropDatabaseRoute } from './drop.ts';
import { dropDatabasePropertiesRoute } from './drop-properties.ts';
import { listDatabasesRoute } from './list.ts';

/** Every /databases/ route. */
export const databaseRoutes = [
  createDatabaseRoute, describeDatabaseRoute, listDatabasesRoute, dropDatabaseRoute, alterDatabaseRoute,
  alterDatabasePropertiesRoute, dropDatabasePropertiesRoute,
] as RouteDef[];
