/** POST /v2/vectordb/collections/create — quick setup or custom schema (see the schema module). */
import { createCollectionRequestSchema, parseCreateCollectionRequest } from '../../../shared/schema/create-request.ts';
import { createCollection } from '../../ops/collection-lifecycle.ts';
import { defineRoute, ok } from '../../route.ts';

export const createCollectionRoute = defineRoute({
  path: '/v2/vectordb/collections/create',
  body: createCollectionRequestSchema,
  async handle(ctx, body) {
    await createCollection(ctx.services, ctx.dbName, parseCreateCollectionRequest(body));
    return ok({});
  },
});
