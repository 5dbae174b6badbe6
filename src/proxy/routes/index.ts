/** Every Milvus REST v2 endpoint quiver serves, grouped by category (one file per endpoint). */
import type { RouteDef } from '../route.ts';
import { entityRoutes } from './entities/index.ts';
import { managementRoutes } from './management.ts';

export const allRoutes: RouteDef[] = [...managementRoutes, ...entityRoutes];
