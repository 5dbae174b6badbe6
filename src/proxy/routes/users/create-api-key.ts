/**
 * POST /v2/vectordb/users/create_api_key — {userName*, description}: a new API key acting as the
 * user (with the user's roles). Milvus has no such endpoint; this is quiver's. The answer
 * `{keyId, apiKey}` is the only time the key is shown: only a hash of it is stored. Clients
 * send it as `Authorization: Bearer <apiKey>` (the SDKs' `token`).
 */
import { z } from 'zod';
import { createApiKey } from '../../auth/user-accounts.ts';
import { requiredName } from '../../body.ts';
import { defineRoute, ok } from '../../route.ts';
import { accessOf } from '../../auth/access-control.ts';

export const createApiKeyRoute = defineRoute({
  path: '/v2/vectordb/users/create_api_key',
  body: z.object({ userName: requiredName(), description: z.string().optional() }),
  handle: async (ctx, body) =>
    ok(await createApiKey(accessOf(ctx), ctx.principal, body.userName, body.description ?? '', ctx.services.now())),
});
