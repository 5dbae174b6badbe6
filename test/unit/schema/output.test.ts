/** Stored rows back to Milvus JSON rows, outputFields resolution and primary key parsing. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRows, resolveOutputFields, shortestFloat32 } from '../../../src/shared/schema/output.ts';
import { formatPrimaryKey, parsePrimaryKeys } from '../../../src/shared/schema/primary-keys.ts';
import { validateRows } from '../../../src/shared/schema/rows.ts';
import { ErrorCode } from '../../../src/shared/errors.ts';
import { PK, assertQuiverError, collectionFrom, customCollection } from './fixtures.ts';

const c = customCollection([
  PK,
  { fieldName: 'fv', dataType: 'FloatVector', elementTypeParams: { dim: 2 } },
  { fieldName: 'hv', dataType: 'Float16Vector', elementTypeParams: { dim: 2 } },
  { fieldName: 'bv', dataType: 'BFloat16Vector', elementTypeParams: { dim: 2 } },
  { fieldName: 'bin', dataType: 'BinaryVector', elementTypeParams: { dim: 16 } },
  { fieldName: 'i64', dataType: 'Int64', nullable: true },
  { fieldName: 'f', dataType: 'Float' },
  { fieldName: 'j', dataType: 'JSON' },
  { fieldName: 'ai', dataType: 'Array', elementDataType: 'Int64', elementTypeParams: { max_capacity: 4 } },
  { fieldName: 'af', dataType: 'Array', elementDataType: 'Float', elementTypeParams: { max_capacity: 4 } },
  { fieldName: 's', dataType: 'VarChar', elementTypeParams: { max_length: 8 } },
], { enableDynamicField: true });
const input = [
  { id: 1, fv: [0.1, -2], hv: [1, 0.1], bv: 'gD9JQA==', bin: [0xa5, 0x5a], i64: 42, f: 0.1, j: { a: [1] }, ai: [1, 2], af: [0.3], s: 'x', color: 'red', n: 3 },
  { id: 9007199254740991, fv: [1, 2], hv: [0, 0], bv: [0, 0], bin: [0, 0], i64: null, f: 2.5, j: 'text', ai: [], af: [], s: 'y' },
];
const batch = validateRows(c, input, { partitionId: 1, mode: 'insert' });

describe('formatRows', () => {
  it('returns Milvus shapes with Int64 as strings by default', () => {
    assert.deepEqual(formatRows(c, batch, [0, 1], ['*'], { int64AsNumber: false }), [
      {
        id: '1', fv: [0.1, -2], hv: 'ADxmLg==', bv: 'gD9JQA==', bin: 'pVo=', i64: '42', f: 0.1, j: '{"a":[1]}',
        ai: ['1', '2'], af: [0.3], s: 'x', color: 'red', n: 3,
      },
      { id: '9007199254740991', fv: [1, 2], hv: 'AAAAAA==', bv: 'AAAAAA==', bin: 'AAA=', i64: null, f: 2.5, j: '"text"', ai: [], af: [], s: 'y' },
    ]);
  });

  it('returns Int64 as numbers and JSON as documents when asked', () => {
    const [row] = formatRows(c, batch, [0], ['i64', 'ai', 'j'], { int64AsNumber: true, jsonAsObject: true });
    assert.deepEqual(row, { id: 1, i64: 42, ai: [1, 2], j: { a: [1] } });
  });

  it('round-trips: formatted rows validate back to the same columns', () => {
    const out = formatRows(c, batch, [0, 1], undefined, { int64AsNumber: false });
    const again = validateRows(c, out, { partitionId: 1, mode: 'upsert' });
    assert.deepEqual(again, batch);
  });

  it('emits Int8Vector as integers', () => {
    const c8 = customCollection([PK, { fieldName: 'iv', dataType: 'Int8Vector', elementTypeParams: { dim: 3 } }]);
    const b = validateRows(c8, [{ id: 5, iv: [-1, 0, 127] }], { partitionId: 1, mode: 'insert' });
    assert.deepEqual(formatRows(c8, b, [0], undefined, { int64AsNumber: true }), [{ id: 5, iv: [-1, 0, 127] }]);
  });

  it('keeps VarChar keys as strings', () => {
    const vc = collectionFrom({ collectionName: 'v', dimension: 2, idType: 'VarChar', params: { max_length: 10 } });
    const b = validateRows(vc, [{ id: 'k1', vector: [1, 2] }], { partitionId: 1, mode: 'insert' });
    assert.deepEqual(formatRows(vc, b, [0], [], { int64AsNumber: true }), [{ id: 'k1', vector: [1, 2] }]);
  });
});

describe('resolveOutputFields', () => {
  const names = (p: ReturnType<typeof resolveOutputFields>) => [p.pk.name, p.fields.map((f) => f.name), p.dynamic];

  it('expands * and defaults by request kind', () => {
    const every = c.fields.slice(1).map((f) => f.name);
    assert.deepEqual(names(resolveOutputFields(c, ['*'])), ['id', every, 'all']);
    assert.deepEqual(names(resolveOutputFields(c, undefined)), ['id', every, 'all']);
    assert.deepEqual(names(resolveOutputFields(c, [])), ['id', every, 'all']);
    assert.deepEqual(names(resolveOutputFields(c, undefined, 'search')), ['id', [], null]);
  });

  it('maps unknown names to dynamic keys when dynamic fields are on', () => {
    assert.deepEqual(names(resolveOutputFields(c, ['s', 'color', 'color', 'id'])), ['id', ['s'], ['color']]);
    assert.deepEqual(names(resolveOutputFields(c, ['$meta'])), ['id', [], 'all']);
    const [row] = formatRows(c, batch, [0], ['color', 'missing'], { int64AsNumber: false });
    assert.deepEqual(row, { id: '1', color: 'red' });
  });

  it('rejects unknown names without dynamic fields', () => {
    const fixed = customCollection([PK, { fieldName: 'v', dataType: 'FloatVector', elementTypeParams: { dim: 2 } }]);
    assertQuiverError(() => resolveOutputFields(fixed, ['nope']), ErrorCode.InvalidParameter, 'field nope not exist');
    assert.deepEqual(names(resolveOutputFields(fixed, ['*'])), ['id', ['v'], null]);
  });
});

describe('shortestFloat32', () => {
  it('prints float32 values the way Go does', () => {
    const cases: [number, number][] = [[0.1, 0.1], [1 / 3, 0.33333334], [123456.789, 123456.79], [1e-7, 1e-7], [3.4028234663852886e38, 3.4028235e38], [-2.5, -2.5], [16777217, 16777216]];
    for (const [v, want] of cases) assert.equal(shortestFloat32(Math.fround(v)), want);
  });
});

describe('primary keys of get/delete', () => {
  it('parses scalars and arrays of the key type', () => {
    assert.deepEqual(parsePrimaryKeys(c, 5), [5]);
    assert.deepEqual(parsePrimaryKeys(c, ['1', 2]), [1, 2]);
    assert.deepEqual(parsePrimaryKeys(c, []), []);
    assertQuiverError(() => parsePrimaryKeys(c, undefined), ErrorCode.InvalidPrimaryKey, 'bad primary key', 'id is required');
    assertQuiverError(() => parsePrimaryKeys(c, [1, 'x']), ErrorCode.InvalidPrimaryKey, 'index 1');
    assertQuiverError(() => parsePrimaryKeys(c, 2 ** 60), ErrorCode.InvalidPrimaryKey, 'outside the supported range');
    assert.equal(formatPrimaryKey(5, false), '5');
    assert.equal(formatPrimaryKey(5, true), 5);
    assert.equal(formatPrimaryKey('a', false), 'a');
  });
});
