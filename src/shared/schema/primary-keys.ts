/**
 * Primary key values: reading them from rows and from the `id` of entities/get and delete, and
 * writing them back. Int64 keys are JS safe integers (quiver stores numbers as doubles); VarChar
 * keys are strings within the field's max_length.
 */

import { ErrorCode, QuiverError } from '../errors.ts';
import { FieldValueError, toInt64, toVarChar } from './scalar-values.ts';
import type { CollectionInfo, FieldSchema, PrimaryKey } from './types.ts';
import { primaryField } from './types.ts';

/**
 * Converts one client value to a key of `pk`'s type. Int64 accepts integers and decimal strings
 * (so ids read back as strings work unchanged); VarChar accepts strings and, like Milvus, the
 * text of a number. Throws FieldValueError.
 */
export function toPrimaryKey(pk: FieldSchema, value: unknown): PrimaryKey {
  if (pk.dataType === 'Int64') return toInt64(value);
  const s = toVarChar(value, pk.maxLength);
  if (s === '') throw new FieldValueError('a VarChar primary key cannot be an empty string');
  return s;
}

/**
 * The ids of entities/get or delete (`id`: one value or an array). Throws 1806 ("bad primary
 * key") when missing or when a value does not fit the key type. An empty array gives [].
 */
export function parsePrimaryKeys(c: CollectionInfo, id: unknown): PrimaryKey[] {
  const pk = primaryField(c);
  if (id === undefined || id === null) {
    throw new QuiverError(ErrorCode.InvalidPrimaryKey, `bad primary key, error: ${pk.name} is required`);
  }
  const values: unknown[] = Array.isArray(id) ? id : [id];
  const out = new Array<PrimaryKey>(values.length);
  for (let i = 0; i < values.length; i++) {
    try {
      out[i] = toPrimaryKey(pk, values[i]);
    } catch (err) {
      if (!(err instanceof FieldValueError)) throw err;
      throw new QuiverError(
        ErrorCode.InvalidPrimaryKey,
        `bad primary key, error: invalid ${pk.dataType} id at index ${i}: ${err.message}`,
      );
    }
  }
  return out;
}

/** A key as the REST API returns it: Int64 as a string unless the client allows int64 numbers. */
export function formatPrimaryKey(key: PrimaryKey, int64AsNumber: boolean): string | number {
  return typeof key === 'number' && !int64AsNumber ? String(key) : key;
}
