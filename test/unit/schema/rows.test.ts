/** validateRows: primary keys, every scalar type, defaults/nullable, dynamic fields, batches. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateRows, type ValidateRowsOptions } from '../../../src/shared/schema/rows.ts';
import type { CollectionInfo } from '../../../src/shared/schema/types.ts';
import { ErrorCode } from '../../../src/shared/errors.ts';
import { PK, VEC4, assertQuiverError, collectionFrom, customCollection } from './fixtures.ts';

const INSERT: ValidateRowsOptions = { partitionId: 1, mode: 'insert' };
const V = [0.5, 1, -2, 3];
const bad = (c: CollectionInfo, rows: unknown[], ...parts: string[]) =>
  assertQuiverError(() => validateRows(c, rows, INSERT), ErrorCode.InvalidInsertData, 'fail to deal the insert data, error: ', ...parts);

const all = customCollection([
  PK,
  VEC4,
  { fieldName: 'b', dataType: 'Bool' },
  { fieldName: 'i8', dataType: 'Int8' },
  { fieldName: 'i16', dataType: 'Int16' },
  { fieldName: 'i32', dataType: 'Int32' },
  { fieldName: 'i64', dataType: 'Int64' },
  { fieldName: 'f', dataType: 'Float' },
  { fieldName: 'd', dataType: 'Double' },
  { fieldName: 's', dataType: 'VarChar', elementTypeParams: { max_length: 3 } },
  { fieldName: 'j', dataType: 'JSON' },
  { fieldName: 'ai', dataType: 'Array', elementDataType: 'Int64', elementTypeParams: { max_capacity: 3 } },
  { fieldName: 'as', dataType: 'Array', elementDataType: 'VarChar', elementTypeParams: { max_capacity: 2, max_length: 2 } },
]);
const good = {
  id: 1, vec: V, b: true, i8: -128, i16: 32767, i32: -2147483648, i64: 9007199254740991, f: 0.1, d: 0.1,
  s: 'abc', j: { k: [1, 'x'] }, ai: [1, '2'], as: ['a', 'bc'],
};
const withField = (name: string, value: unknown) => ({ ...good, [name]: value });

describe('validateRows: scalar types', () => {
  it('accepts a row of every type and stores it in columns', () => {
    const batch = validateRows(all, [good], INSERT);
    assert.deepEqual(batch.pks, [1]);
    assert.deepEqual(batch.partitions, [1]);
    assert.deepEqual(Array.from(batch.vectors.vec.data), V);
    assert.equal(batch.vectors.vec.kind, 'f32');
    assert.deepEqual(batch.scalars, {
      b: [true], i8: [-128], i16: [32767], i32: [-2147483648], i64: [9007199254740991], f: [Math.fround(0.1)],
      d: [0.1], s: ['abc'], j: [{ k: [1, 'x'] }], ai: [[1, 2]], as: [['a', 'bc']],
    });
  });

  it('accepts the lenient spellings Milvus accepts', () => {
    const batch = validateRows(all, [
      { ...good, id: '2', b: 'false', i8: '5', i64: '-42', f: '1.5', d: '2e3', s: 7, j: '{"a":1}', ai: [] },
      { ...good, id: 3, b: 1, j: 'plain text', s: '😀😀😀' },
      { ...good, id: 4, j: 5 },
    ], INSERT);
    assert.deepEqual(batch.pks, [2, 3, 4]);
    assert.deepEqual(batch.scalars.b, [false, true, true]);
    assert.deepEqual(batch.scalars.i64.slice(0, 1), [-42]);
    assert.deepEqual(batch.scalars.d.slice(0, 1), [2000]);
    assert.deepEqual(batch.scalars.s, ['7', '😀😀😀', 'abc'], 'max_length counts characters');
    assert.deepEqual(batch.scalars.j, [{ a: 1 }, 'plain text', 5]);
  });

  it('rejects values of the wrong type or out of range, naming row and field', () => {
    bad(all, [good, withField('b', 'yes')], 'row 1, field b', 'not a Bool');
    bad(all, [withField('i8', 128)], 'row 0, field i8', '[-128, 127]');
    bad(all, [withField('i16', -32769)], 'field i16', '[-32768, 32767]');
    bad(all, [withField('i32', 2147483648)], 'field i32');
    bad(all, [withField('i32', 1.5)], 'field i32');
    bad(all, [withField('i64', 9007199254740992)], 'field i64', 'outside the supported range');
    bad(all, [withField('i64', '9223372036854775807')], 'field i64', 'outside the supported range');
    bad(all, [withField('i64', 1.5)], 'field i64', 'not an integer');
    bad(all, [withField('i64', '12a')], 'field i64');
    bad(all, [withField('f', 'NaN')], 'field f', 'not a finite number');
    bad(all, [withField('f', 1e39)], 'field f', 'float32');
    bad(all, [withField('d', 'Infinity')], 'field d');
    bad(all, [withField('d', [1])], 'field d');
    bad(all, [withField('s', 'abcd')], 'field s', 'exceeds max_length (3)');
    bad(all, [withField('s', { a: 1 })], 'field s', 'not a string');
    bad(all, [withField('ai', [1, 2, 3, 4])], 'field ai', 'max_capacity (3)');
    bad(all, [withField('ai', [1, null])], 'field ai', 'element 1 is null');
    bad(all, [withField('ai', [1.5])], 'field ai', 'element 0');
    bad(all, [withField('ai', '[1]')], 'field ai', 'not an array');
    bad(all, [withField('as', ['abc'])], 'field as', 'element 0', 'max_length (2)');
  });

  it('requires non-nullable fields', () => {
    const { b: _b, ...missing } = good;
    bad(all, [missing], 'row 0, field b', 'field b is required');
    bad(all, [withField('j', null)], 'field j is not nullable');
  });
});

describe('validateRows: defaults and nullable', () => {
  const c = customCollection([
    PK,
    VEC4,
    { fieldName: 'n', dataType: 'Int32', nullable: true },
    { fieldName: 'dv', dataType: 'VarChar', defaultValue: 'dflt', elementTypeParams: { max_length: 8 } },
    { fieldName: 'both', dataType: 'Double', nullable: true, defaultValue: 1.5 },
    { fieldName: 'nj', dataType: 'JSON', nullable: true },
  ]);

  it('fills defaults for missing or null values, else null when nullable', () => {
    const batch = validateRows(c, [
      { id: 1, vec: V },
      { id: 2, vec: V, n: null, dv: null, both: null, nj: null },
      { id: 3, vec: V, n: 5, dv: 'x', both: 2, nj: { a: 1 } },
    ], INSERT);
    assert.deepEqual(batch.scalars, {
      n: [null, null, 5],
      dv: ['dflt', 'dflt', 'x'],
      both: [1.5, 1.5, 2],
      nj: [null, null, { a: 1 }],
    });
  });
});

describe('validateRows: primary keys', () => {
  it('rejects a missing or invalid key', () => {
    bad(all, [{ ...good, id: undefined }], 'row 0, field id', 'field id is required');
    bad(all, [withField('id', null)], 'field id is required');
    bad(all, [withField('id', 'abc')], 'field id');
    bad(all, [withField('id', 2 ** 60)], 'field id', 'outside the supported range');
    const vc = customCollection([{ fieldName: 'pk', dataType: 'VarChar', isPrimary: true, elementTypeParams: { max_length: 4 } }, VEC4]);
    assert.deepEqual(validateRows(vc, [{ pk: 'abcd', vec: V }, { pk: 12, vec: V }], INSERT).pks, ['abcd', '12']);
    bad(vc, [{ pk: 'abcde', vec: V }], 'field pk', 'max_length (4)');
    bad(vc, [{ pk: '', vec: V }], 'field pk', 'empty string');
  });

  it('keeps duplicate keys within a batch', () => {
    assert.deepEqual(validateRows(all, [good, good], INSERT).pks, [1, 1]);
  });

  it('allocates autoID keys on insert and refuses client keys', () => {
    const c = collectionFrom({ collectionName: 'c', dimension: 4, autoID: true });
    let asked = 0;
    const opts: ValidateRowsOptions = { partitionId: 1, mode: 'insert', allocateIds: (n) => { asked += n; return Array.from({ length: n }, (_, i) => 100 + i); } };
    const batch = validateRows(c, [{ vector: V }, { vector: V, id: null }], opts);
    assert.deepEqual(batch.pks, [100, 101]);
    assert.deepEqual(batch.partitions, [1, 1]);
    assert.equal(asked, 2);
    assertQuiverError(() => validateRows(c, [{ vector: V, id: 5 }], opts), ErrorCode.InvalidInsertData, 'can not assign primary field data when auto id enabled');
    assertQuiverError(() => validateRows(c, [{ vector: V }, { vector: 'x' }], opts), ErrorCode.InvalidInsertData, 'row 1');
    assert.equal(asked, 2, 'no ids are allocated for a failed batch');
    const vc = collectionFrom({ collectionName: 'c', dimension: 4, autoID: true, idType: 'VarChar', params: { max_length: 20 } });
    assert.deepEqual(validateRows(vc, [{ vector: V }], opts).pks, ['100']);
  });

  it('requires the key on upsert even with autoID', () => {
    const c = collectionFrom({ collectionName: 'c', dimension: 4, autoID: true });
    const upsert: ValidateRowsOptions = { partitionId: 1, mode: 'upsert' };
    assert.deepEqual(validateRows(c, [{ id: '9', vector: V }], upsert).pks, [9]);
    assertQuiverError(() => validateRows(c, [{ vector: V }], upsert), ErrorCode.InvalidInsertData, 'must assign pk when upsert, primary field: id');
  });
});

describe('validateRows: dynamic fields and row shape', () => {
  const dyn = collectionFrom({ collectionName: 'c', dimension: 4 });
  const fixed = customCollection([PK, VEC4]);

  it('collects unknown keys into $meta when dynamic fields are on', () => {
    const batch = validateRows(dyn, [{ id: 1, vector: V, color: 'red', n: { x: [1] }, z: null }, { id: 2, vector: V }], INSERT);
    assert.deepEqual(batch.scalars, { $meta: [{ color: 'red', n: { x: [1] }, z: null }, {}] });
    bad(dyn, [{ id: 1, vector: V, $meta: {} }], 'use the invalid field name($meta) when enable dynamicField');
  });

  it('does not read inherited members as field values', () => {
    const c = customCollection([PK, VEC4, { fieldName: 'constructor', dataType: 'Int32', nullable: true }]);
    assert.deepEqual(validateRows(c, [{ id: 1, vec: V }], INSERT).scalars, { constructor: [null] });
    assertQuiverError(() => customCollection([PK, VEC4, { fieldName: '__proto__', dataType: 'Bool' }]), ErrorCode.InvalidParameter, '__proto__');
  });

  it('keeps a "__proto__" key as data', () => {
    const batch = validateRows(dyn, JSON.parse('[{"id":1,"vector":[1,2,3,4],"__proto__":{"x":1}}]') as unknown[], INSERT);
    const meta = batch.scalars.$meta[0] as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(meta), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(meta, '__proto__')?.value, { x: 1 });
  });

  it('rejects unknown keys without dynamic fields, naming them', () => {
    bad(fixed, [{ id: 1, vec: V }, { id: 2, vec: V, color: 'red' }], 'row 1, field color', 'without dynamic schema', 'color');
    assert.equal(validateRows(fixed, [{ id: 1, vec: V }], INSERT).scalars.$meta, undefined);
  });

  it('rejects rows that are not objects and empty batches', () => {
    bad(fixed, [[1, V]], 'row 0: a row must be a JSON object');
    bad(fixed, [null], 'row 0');
    bad(fixed, [], 'missing required parameters');
  });

  it('validates a 10k-row batch', () => {
    const rows = Array.from({ length: 10000 }, (_, i) => ({ id: i, vector: [i, i + 0.5, -i, 1], tag: i % 7 }));
    const batch = validateRows(dyn, rows, INSERT);
    assert.equal(batch.pks.length, 10000);
    assert.equal(batch.vectors.vector.data.length, 40000);
    assert.deepEqual(Array.from(batch.vectors.vector.data.subarray(4 * 9999)), [9999, 9999.5, -9999, 1]);
    assert.deepEqual(batch.scalars.$meta[9999], { tag: 9999 % 7 });
    rows[7777] = { id: 7777, vector: [1, 2, 3], tag: 0 };
    bad(dyn, rows, 'row 7777, field vector', 'dimension mismatch');
  });
});
