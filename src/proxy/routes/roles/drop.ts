/** POST /v2/vectordb/roles/drop — {roleName*}; refused while a user still holds the role. */
import { dropRole } from '../../auth/role-grants.ts';
import { defineRoute, ok } from '../../route.ts';
import { accessOf } from '../../auth/access-control.ts';
import { roleBody } from './schemas.ts';

export const dropRoleRoute = defineRoute({
  path: '/v2/vectordb/roles/drop',
  body: roleBody,
  async handle(ctx, body) {
    await dropRole(accessOf(ctx), body.roleName);
    return ok({});
  },
});
