/** POST /v2/vectordb/roles/grant_privilege — {roleName*, objectType*, objectName*, privilege*, dbName}. */
import { grantPrivilege } from '../../auth/role-grants.ts';
import { defineRoute, ok } from '../../route.ts';
import { accessOf } from '../../auth/access-control.ts';
import { grantBody } from './schemas.ts';

export const grantPrivilegeRoute = defineRoute({
  path: '/v2/vectordb/roles/grant_privilege',
  body: grantBody,
  async handle(ctx, body) {
    const { roleName, objectType, objectName, privilege } = body;
    const grant = { objectType, objectName, dbName: ctx.dbName, privilege, grantor: ctx.principal.name };
    await grantPrivilege(accessOf(ctx), roleName, grant, ctx.services.now());
    return ok({});
  },
});
