/**
 * Name rules Milvus applies to collections, aliases and fields: an underscore or ASCII letter,
 * then letters, digits and underscores, at most 255 characters (proxy.maxNameLength). Field
 * names must also avoid the words of the filter language and the system field names.
 */

import { invalidParameter } from '../errors.ts';

/** proxy.maxNameLength. */
export const MAX_NAME_LENGTH = 255;

const FIRST = /^[A-Za-z_]/;
const REST = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Words a filter would read as operators or literals, plus the system columns. */
const RESERVED_FIELD_NAMES: ReadonlySet<string> = new Set([
  'like', 'exists', 'and', 'or', 'not', 'in', 'is', 'null', 'true', 'false',
  'json_contains', 'json_contains_all', 'json_contains_any',
  'array_contains', 'array_contains_all', 'array_contains_any', 'array_length',
  'text_match', 'phrase_match', 'random_sample',
]);
/** Milvus's system columns, and the one key JavaScript objects cannot hold as plain data. */
const SYSTEM_FIELD_NAMES: ReadonlySet<string> = new Set(['RowID', 'Timestamp', '__virtual_pk__', '__proto__']);

/** 1100 unless `name` is a valid collection name. */
export function validateCollectionName(name: string): void {
  validateEntityName(name, 'collection name');
}

/** 1100 unless `name` is a valid alias name. */
export function validateAliasName(name: string): void {
  validateEntityName(name, 'collection alias');
}

function validateEntityName(name: string, what: string): void {
  if (name === '') throw invalidParameter(`${what} should not be empty`);
  const prefix = `Invalid ${what}: ${name}.`;
  if (name.length > MAX_NAME_LENGTH) {
    throw invalidParameter(
      `${prefix} the length of a ${what} must be less than ${MAX_NAME_LENGTH} characters`,
    );
  }
  if (!FIRST.test(name)) {
    throw invalidParameter(`${prefix} the first character of a ${what} must be an underscore or letter`);
  }
  if (!REST.test(name)) {
    throw invalidParameter(`${prefix} ${what} can only contain numbers, letters and underscores`);
  }
}

/** 1100 unless `name` is a valid, non-reserved field name. */
export function validateFieldName(name: string): void {
  if (name.trim() === '') throw invalidParameter('field name should not be empty');
  const prefix = `Invalid field name: ${name}.`;
  if (name.length > MAX_NAME_LENGTH) {
    throw invalidParameter(
      `${prefix} The length of a field name must be less than ${MAX_NAME_LENGTH} characters.`,
    );
  }
  if (!FIRST.test(name)) {
    throw invalidParameter(`${prefix} The first character of a field name must be an underscore or letter.`);
  }
  if (!REST.test(name)) {
    throw invalidParameter(`${prefix} Field name can only contain numbers, letters, and underscores.`);
  }
  if (RESERVED_FIELD_NAMES.has(name.toLowerCase())) {
    throw invalidParameter(`${prefix} ${name} is keyword in milvus.`);
  }
  if (SYSTEM_FIELD_NAMES.has(name)) {
    throw invalidParameter(`${prefix} field name "${name}" is reserved for internal use`);
  }
}
