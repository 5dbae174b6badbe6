/**
 * POST /v2/vectordb/roles/grant_privilege_v2 — {roleName*, privilege*, dbName, collectionName}:
 * a privilege or privilege group (e.g. DatabaseReadWrite, CollectionAdmin) on a database ("*":
 * all) and collection ("*", the default: all).
 */
import { grantPrivilege, grantV2 } from '../../auth/role-grants.ts';
import { defineRoute, ok } from '../../route.ts';
import { accessOf } from '../../auth/access-control.ts';
import { grantV2Body } from './schemas.ts';

export const grantPrivilegeV2Route = defineRoute({
  path: '/v2/vectordb/roles/grant_privilege_v2',
  body: grantV2Body,
  async handle(ctx, body) {
    const grant = grantV2(body.privilege, ctx.dbName, body.collectionName || '*', ctx.principal.name);
    await grantPrivilege(accessOf(ctx), body.roleName, grant, ctx.services.now());
    return ok({});
  },
});
