/** POST /v2/vectordb/roles/revoke_privilege_v2 — {roleName*, privilege*, dbName, collectionName}. */
import { grantV2, revokePrivilege } from '../../auth/role-grants.ts';
import { defineRoute, ok } from '../../route.ts';
import { accessOf } from '../../auth/access-control.ts';
import { grantV2Body } from './schemas.ts';

export const revokePrivilegeV2Route = defineRoute({
  path: '/v2/vectordb/roles/revoke_privilege_v2',
  body: grantV2Body,
  async handle(ctx, body) {
    const grant = grantV2(body.privilege, ctx.dbName, body.collectionName || '*', ctx.principal.name);
    await revokePrivilege(accessOf(ctx), body.roleName, grant, ctx.services.now());
    return ok({});
  },
});
