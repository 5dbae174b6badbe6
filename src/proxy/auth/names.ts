/**
 * Milvus's rules for user names, role names and passwords (1100 when broken). The character
 * sets also keep names safe inside coordinator keys (no '/').
 */
import { invalidParameter } from '../../shared/errors.ts';

/** Milvus proxy.maxUsernameLength / maxRoleNameLength. */
export const MAX_USER_NAME_LENGTH = 32;
export const MAX_ROLE_NAME_LENGTH = 32;
/** Milvus proxy.minPasswordLength / maxPasswordLength. */
export const MIN_PASSWORD_LENGTH = 6;
export const MAX_PASSWORD_LENGTH = 256;

/** 1100 unless `name` is a valid user name: a letter, then letters, digits and underscores. */
export function validateUserName(name: string): void {
  if (name.trim() === '') throw invalidParameter('username should not be empty');
  const prefix = `invalid username ${name.slice(0, MAX_USER_NAME_LENGTH + 1)}.`;
  if (name.length > MAX_USER_NAME_LENGTH) {
    throw invalidParameter(`${prefix} the length of username must be less than ${MAX_USER_NAME_LENGTH} characters`);
  }
  if (!/^[A-Za-z]/.test(name)) throw invalidParameter(`${prefix} the first character of username must be a letter`);
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
    throw invalidParameter(`${prefix} username should only contain numbers, letters and underscores`);
  }
}

/** 1100 unless `name` is a valid role name: a letter or underscore, then letters, digits, underscores. */
export function validateRoleName(name: string): void {
  if (name.trim() === '') throw invalidParameter('role name should not be empty');
  const prefix = `invalid role name ${name.slice(0, MAX_ROLE_NAME_LENGTH + 1)}.`;
  if (name.length > MAX_ROLE_NAME_LENGTH) {
    throw invalidParameter(`${prefix} the length of a role name must be less than ${MAX_ROLE_NAME_LENGTH} characters`);
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw invalidParameter(`${prefix} the first character of a role name must be an underscore or letter, the rest numbers, letters and underscores`);
  }
}

/** 1100 unless the password length is within Milvus's bounds. The password is never echoed. */
export function validatePassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw invalidParameter(
      `invalid password length: the length of password must be great than ${MIN_PASSWORD_LENGTH - 1} and less than ${MAX_PASSWORD_LENGTH + 1} characters`,
    );
  }
}
