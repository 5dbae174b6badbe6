/** POST /v2/vectordb/entities/upsert — same record as insert: the newest write of a key wins. */
import { defineRoute } from '../../route.ts';
import { writeBody, writeRows } from './write-rows.ts';

export const upsertRoute = defineRoute({
  path: '/v2/vectordb/entities/upsert',
  body: writeBody,
  handle: (ctx, body) => writeRows(ctx, body, 'upsert'),
});
