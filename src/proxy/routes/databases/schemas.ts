/** Request bodies shared by the database endpoints (Milvus DatabaseReq and its variants). */
import { z } from 'zod';
import { requiredName } from '../../body.ts';

/** {dbName*}. */
export const databaseBody = z.object({ dbName: requiredName() });

/** {dbName*, properties{}}. */
export const databasePropertiesBody = z.object({
  dbName: requiredName(),
  properties: z.record(z.string(), z.unknown()).nullish(),
});

/** {dbName*, propertyKeys[]}. */
export const databasePropertyKeysBody = z.object({
  dbName: requiredName(),
  propertyKeys: z.array(z.string()).nullish(),
});
