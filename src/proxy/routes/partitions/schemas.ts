/** Request bodies shared by the partition endpoints (Milvus PartitionReq / PartitionsReq). */
import { z } from 'zod';
import { requiredName } from '../../body.ts';

/** {dbName, collectionName*, partitionName*}. */
export const partitionBody = z.object({
  dbName: z.string().optional(),
  collectionName: requiredName(),
  partitionName: requiredName(),
});

/** {dbName, collectionName*, partitionNames*}. */
export const partitionsBody = z.object({
  dbName: z.string().optional(),
  collectionName: requiredName(),
  partitionNames: z.array(z.string()),
});
