/** POST /v2/vectordb/users/grant_role — {userName*, roleName*}. */
import { grantRole } from '../../auth/user-accounts.ts';
import { defineRoute, ok } from '../../route.ts';
import { accessOf } from '../../auth/access-control.ts';
import { userRoleBody } from './schemas.ts';

export const grantRoleRoute = defineRoute({
  path: '/v2/vectordb/users/grant_role',
  body: userRoleBody,
  async handle(ctx, body) {
    await grantRole(accessOf(ctx), body.userName, body.roleName);
    return ok({});
  },
});
