/** The entity endpoints. */
import type { RouteDef } from '../../route.ts';
import { deleteRoute } from './delete.ts';
import { getRoute } from './get.ts';
import { advancedSearchRoute, hybridSearchRoute } from './hybrid-search.ts';
import { insertRoute } from './insert.ts';
import { queryRoute } from './query.ts';
import { searchRoute } from './search.ts';
import { upsertRoute } from './upsert.ts';

export const entityRoutes = [
  insertRoute, upsertRoute, deleteRoute, getRoute, queryRoute, searchRoute, hybridSearchRoute, advancedSearchRoute,
] as RouteDef[];
