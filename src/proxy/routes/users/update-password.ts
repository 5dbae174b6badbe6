/**
 * POST /v2/vectordb/users/update_password — {userName*, password, newPassword*}. Users may change
 * their own password by giving the current one; administrators may reset any password.
 */
import { updatePassword } from '../../auth/user-accounts.ts';
import { defineRoute, ok } from '../../route.ts';
import { accessOf } from '../../auth/access-control.ts';
import { newPasswordBody } from './schemas.ts';

export const updatePasswordRoute = defineRoute({
  path: '/v2/vectordb/users/update_password',
  body: newPasswordBody,
  async handle(ctx, body) {
    await updatePassword(accessOf(ctx), ctx.principal, body.userName, body.password, body.newPassword, ctx.services.now());
    return ok({});
  },
});
