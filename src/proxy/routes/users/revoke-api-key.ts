/**
 * POST /v2/vectordb/users/revoke_api_key — {keyId*, userName}: the key stops working on every
 * proxy (at once on this one, within auth.cacheTtlMs at worst on others). With userName the key
 * must belong to that user.
 */
import { z } from 'zod';
import { revokeApiKey } from '../../auth/user-accounts.ts';
import { requiredName } from '../../body.ts';
import { defineRoute, ok } from '../../route.ts';
import { accessOf } from '../../auth/access-control.ts';

export const revokeApiKeyRoute = defineRoute({
  path: '/v2/vectordb/users/revoke_api_key',
  body: z.object({ keyId: requiredName(), userName: z.string().optional() }),
  async handle(ctx, body) {
    await revokeApiKey(accessOf(ctx), body.keyId, body.userName || undefined);
    return ok({});
  },
});
