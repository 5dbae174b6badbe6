/**
 * POST /v2/vectordb/users/list_api_keys — {userName}: the keys of one user, or of everyone when
 * absent: [{keyId, userName, description, createdAt, createdBy}], never a key itself.
 */
import { z } from 'zod';
import { listApiKeys } from '../../auth/user-accounts.ts';
import { defineRoute, ok } from '../../route.ts';
import { accessOf } from '../../auth/access-control.ts';

export const listApiKeysRoute = defineRoute({
  path: '/v2/vectordb/users/list_api_keys',
  body: z.object({ userName: z.string().optional() }),
  handle: async (ctx, body) => ok(await listApiKeys(accessOf(ctx), body.userName || undefined)),
});
