/** The role endpoints. */
import type { RouteDef } from '../../route.ts';
import { createRoleRoute } from './create.ts';
import { describeRoleRoute } from './describe.ts';
import { dropRoleRoute } from './drop.ts';
import { grantPrivilegeV2Route } from './grant-privilege-v2.ts';
import { grantPrivilegeRoute } from './grant-privilege.ts';
import { listRolesRoute } from './list.ts';
import { revokePrivilegeV2Route } from './revoke-privilege-v2.ts';
import { revokePrivilegeRoute } from './revoke-privilege.ts';

/** Every /roles/ route. */
export const roleRoutes = [
  listRolesRoute, describeRoleRoute, createRoleRoute, dropRoleRoute, grantPrivilegeRoute, revokePrivilegeRoute,
  grantPrivilegeV2Route, revokePrivilegeV2Route,
] as RouteDef[];
