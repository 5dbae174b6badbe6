/**
 * POST /v2/vectordb/roles/describe — {roleName*, dbName}: the role's grants as
 * [{objectType, objectName, dbName, grantor, privilege}]; with dbName only that database's
 * (and those for every database).
 */
import { z } from 'zod';
import { describeRole } from '../../auth/role-grants.ts';
import { requiredName } from '../../body.ts';
import { defineRoute, ok } from '../../route.ts';
import { accessOf } from '../../auth/access-control.ts';

export const describeRoleRoute = defineRoute({
  path: '/v2/vectordb/roles/describe',
  body: z.object({ roleName: requiredName(), dbName: z.string().optional() }),
  async handle(ctx, body) {
    const grants = await describeRole(accessOf(ctx), body.roleName, body.dbName || undefined);
    return ok(grants.map((g) => ({ objectType: g.objectType, objectName: g.objectName, dbName: g.dbName, grantor: g.grantor, privilege: g.privilege })));
  },
});
