/** POST /v2/vectordb/roles/revoke_privilege — {roleName*, objectType*, objectName*, privilege*, dbName}. */
import { revokePrivilege } from '../../auth/role-grants.ts';
import { defineRoute, ok } from '../../route.ts';
import { accessOf } from '../../auth/access-control.ts';
import { grantBody } from './schemas.ts';

export const revokePrivilegeRoute = defineRoute({
  path: '/v2/vectordb/roles/revoke_privilege',
  body: grantBody,
  async handle(ctx, body) {
    const { roleName, objectType, objectName, privilege } = body;
    const grant = { objectType, objectName, dbName: ctx.dbName, privilege, grantor: ctx.principal.name };
    await revokePrivilege(accessOf(ctx), roleName, grant, ctx.services.now());
    return ok({});
  },
});
