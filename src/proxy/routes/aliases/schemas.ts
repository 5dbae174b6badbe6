/** Request bodies shared by the alias endpoints (Milvus AliasReq / AliasCollectionReq). */
import { z } from 'zod';
import { requiredName } from '../../body.ts';

/** {dbName, aliasName*}. */
export const aliasBody = z.object({
  dbName: z.string().optional(),
  aliasName: requiredName(),
});

/** {dbName, collectionName*, aliasName*}. */
export const aliasCollectionBody = z.object({
  dbName: z.string().optional(),
  collectionName: requiredName(),
  aliasName: requiredName(),
});
