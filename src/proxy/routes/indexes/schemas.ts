/** Request bodies shared by the index endpoints (Milvus IndexReq and its property variants). */
import { z } from 'zod';
import { requiredName } from '../../body.ts';

/** {dbName, collectionName*, indexName*}. */
export const indexNameBody = z.object({
  dbName: z.string().optional(),
  collectionName: requiredName(),
  indexName: requiredName(),
});
