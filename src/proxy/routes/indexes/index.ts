/** The index endpoints. */
import type { RouteDef } from '../../route.ts';
import { alterIndexPropertiesRoute } from './alter-properties.ts';
import { createIndexRoute } from './create.ts';
import { describeIndexRoute } from './describe.ts';
import { dropIndexRoute } from './drop.ts';
import { dropIndexPropertiesRoute } from './drop-properties.ts';
import { listIndexesRoute } from './list.ts';

/** Every /indexes/ route. */
export const indexRoutes = [
  createIndexRoute, describeIndexRoute, listIndexesRoute, dropIndexRoute, alterIndexPropertiesRoute,
  dropIndexPropertiesRoute,
] as RouteDef[];
