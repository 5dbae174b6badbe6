/** The user endpoints (Milvus's, plus quiver's API key endpoints). */
import type { RouteDef } from '../../route.ts';
import { createApiKeyRoute } from './create-api-key.ts';
import { createUserRoute } from './create.ts';
import { describeUserRoute } from './describe.ts';
import { dropUserRoute } from './drop.ts';
import { grantRoleRoute } from './grant-role.ts';
import { listApiKeysRoute } from './list-api-keys.ts';
import { listUsersRoute } from './list.ts';
import { revokeApiKeyRoute } from './revoke-api-key.ts';
import { revokeRoleRoute } from './revoke-role.ts';
import { updatePasswordRoute } from './update-password.ts';

/** Every /users/ route. */
export const userRoutes = [
  listUsersRoute, describeUserRoute, createUserRoute, dropUserRoute, updatePasswordRoute, grantRoleRoute,
  revokeRoleRoute, createApiKeyRoute, listApiKeysRoute, revokeApiKeyRoute,
] as RouteDef[];
