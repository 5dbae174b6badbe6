/** The alias endpoints. */
import type { RouteDef } from '../../route.ts';
import { alterAliasRoute } from './alter.ts';
import { createAliasRoute } from './create.ts';
import { describeAliasRoute } from './describe.ts';
import { dropAliasRoute } from './drop.ts';
import { listAliasesRoute } from './list.ts';

/** Every /aliases/ route. */
export const aliasRoutes = [
  createAliasRoute, describeAliasRoute, listAliasesRoute, alterAliasRoute, dropAliasRoute,
] as RouteDef[];
