/** POST /v2/vectordb/roles/list — role names, the built-in admin and public first. */
import { z } from 'zod';
import { listRoles } from '../../auth/role-grants.ts';
import { defineRoute, ok } from '../../route.ts';
import { accessOf } from '../../auth/access-control.ts';

export const listRolesRoute = defineRoute({
  path: '/v2/vectordb/roles/list',
  body: z.object({}),
  handle: async (ctx) => ok(await listRoles(accessOf(ctx))),
});
