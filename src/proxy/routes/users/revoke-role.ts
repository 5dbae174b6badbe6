/** POST /v2/vectordb/users/revoke_role — {userName*, roleName*}. */
import { revokeRole } from '../../auth/user-accounts.ts';
import { defineRoute, ok } from '../../route.ts';
import { accessOf } from '../../auth/access-control.ts';
import { userRoleBody } from './schemas.ts';

export const revokeRoleRoute = defineRoute({
  path: '/v2/vectordb/users/revoke_role',
  body: userRoleBody,
  async handle(ctx, body) {
    await revokeRole(accessOf(ctx), body.userName, body.roleName);
    return ok({});
  },
});
