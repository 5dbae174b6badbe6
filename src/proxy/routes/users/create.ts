/** POST /v2/vectordb/users/create — {userName*, password*}; the password is stored hashed. */
import { createUser } from '../../auth/user-accounts.ts';
import { defineRoute, ok } from '../../route.ts';
import { accessOf } from '../../auth/access-control.ts';
import { passwordBody } from './schemas.ts';

export const createUserRoute = defineRoute({
  path: '/v2/vectordb/users/create',
  body: passwordBody,
  async handle(ctx, body) {
    await createUser(accessOf(ctx), body.userName, body.password, ctx.services.now());
    return ok({});
  },
});
