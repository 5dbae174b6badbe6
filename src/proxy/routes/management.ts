/** The management endpoints: collections, partitions, indexes, aliases and databases. */
import type { RouteDef } from '../route.ts';
import { aliasRoutes } from './aliases/index.ts';
import { collectionRoutes } from './collections/index.ts';
import { databaseRoutes } from './databases/index.ts';
import { indexRoutes } from './indexes/index.ts';
import { partitionRoutes } from './partitions/index.ts';

/** Every management route, category by category. */
export const managementRoutes: RouteDef[] = [
  ...collectionRoutes, ...partitionRoutes, ...indexRoutes, ...aliasRoutes, ...databaseRoutes,
];
