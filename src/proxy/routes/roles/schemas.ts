/** Request bodies shared by the role endpoints (Milvus RoleReq, GrantReq, GrantV2Req). */
import { z } from 'zod';
import { requiredName } from '../../body.ts';

/** {roleName*}. */
export const roleBody = z.object({ roleName: requiredName() });

/** {roleName*, objectType*, objectName*, privilege*, dbName}: the database comes from dbName/DB-Name. */
export const grantBody = z.object({
  dbName: z.string().optional(),
  roleName: requiredName(),
  objectType: requiredName(),
  objectName: requiredName(),
  privilege: requiredName(),
});

/** {roleName*, privilege* (a privilege or group), dbName, collectionName ("*" when absent)}. */
export const grantV2Body = z.object({
  dbName: z.string().optional(),
  roleName: requiredName(),
  privilege: requiredName(),
  collectionName: z.string().optional(),
});
