/** POST /v2/vectordb/users/drop — {userName*}; also revokes the user's API keys. */
import { dropUser } from '../../auth/user-accounts.ts';
import { defineRoute, ok } from '../../route.ts';
import { accessOf } from '../../auth/access-control.ts';
import { userBody } from './schemas.ts';

export const dropUserRoute = defineRoute({
  path: '/v2/vectordb/users/drop',
  body: userBody,
  async handle(ctx, body) {
    await dropUser(accessOf(ctx), body.userName);
    return ok({});
  },
});
