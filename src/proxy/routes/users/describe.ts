/** POST /v2/vectordb/users/describe — {userName*}: the roles granted to the user. */
import { describeUser } from '../../auth/user-accounts.ts';
import { defineRoute, ok } from '../../route.ts';
import { accessOf } from '../../auth/access-control.ts';
import { userBody } from './schemas.ts';

export const describeUserRoute = defineRoute({
  path: '/v2/vectordb/users/describe',
  body: userBody,
  handle: async (ctx, body) => ok(await describeUser(accessOf(ctx), body.userName)),
});
