/** POST /v2/vectordb/roles/create — {roleName*}. */
import { createRole } from '../../auth/role-grants.ts';
import { defineRoute, ok } from '../../route.ts';
import { accessOf } from '../../auth/access-control.ts';
import { roleBody } from './schemas.ts';

export const createRoleRoute = defineRoute({
  path: '/v2/vectordb/roles/create',
  body: roleBody,
  async handle(ctx, body) {
    await createRole(accessOf(ctx), body.roleName, ctx.services.now());
    return ok({});
  },
});
