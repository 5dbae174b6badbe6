/** POST /v2/vectordb/users/list — every user name. */
import { z } from 'zod';
import { listUsers } from '../../auth/user-accounts.ts';
import { defineRoute, ok } from '../../route.ts';
import { accessOf } from '../../auth/access-control.ts';

export const listUsersRoute = defineRoute({
  path: '/v2/vectordb/users/list',
  body: z.object({}),
  handle: async (ctx) => ok(await listUsers(accessOf(ctx))),
});
