/** Every Milvus REST v2 endpoint quiver serves, grouped by category (one file per endpoint). */
import type { RouteDef } from '../route.ts';
import { entityRoutes } from './entities/index.ts';
import { managementRoutes } from './management.ts';
import { roleRoutes } from './roles/index.ts';
import { statusRoutes } from './status/index.ts';
import { userRoutes } from './users/index.ts';

export const allRoutes: RouteDef[] = [...managementRoutes, ...entityRoutes, ...userRoutes, ...roleRoutes, ...statusRoutes];
