/** Request bodies shared by the user endpoints (Milvus UserReq, PasswordReq, UserRoleReq). */
import { z } from 'zod';
import { requiredName } from '../../body.ts';

/** {userName*}. */
export const userBody = z.object({ userName: requiredName() });

/** {userName*, password*}. */
export const passwordBody = z.object({ userName: requiredName(), password: requiredName() });

/** {userName*, password, newPassword*}: the current password may be left out by an administrator. */
export const newPasswordBody = z.object({
  userName: requiredName(),
  password: z.string().optional(),
  newPassword: requiredName(),
});

/** {userName*, roleName*}. */
export const userRoleBody = z.object({ userName: requiredName(), roleName: requiredName() });

