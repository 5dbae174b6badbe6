/** POST /v2/vectordb/entities/insert */
import { defineRoute } from '../../route.ts';
import { writeBody, writeRows } from './write-rows.ts';

export const insertRoute = defineRoute({
  path: '/v2/vectordb/entities/insert',
  body: writeBody,
  handle: (ctx, body) => writeRows(ctx, body, 'insert'),
});
