/** Vector input forms of every vector type, through validateRows and parseVector. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateRows, type ValidateRowsOptions } from '../../../src/shared/schema/rows.ts';
import { parseVector } from '../../../src/shared/schema/vector-values.ts';
import { FieldValueError } from '../../../src/shared/schema/scalar-values.ts';
import { ErrorCode } from '../../../src/shared/errors.ts';
import { PK, assertQuiverError, customCollection } from './fixtures.ts';

const INSERT: ValidateRowsOptions = { partitionId: 1, mode: 'insert' };
const c = customCollection([
  PK,
  { fieldName: 'fv', dataType: 'FloatVector', elementTypeParams: { dim: 3 } },
  { fieldName: 'hv', dataType: 'Float16Vector', elementTypeParams: { dim: 2 } },
  { fieldName: 'bv', dataType: 'BFloat16Vector', elementTypeParams: { dim: 2 } },
  { fieldName: 'bin', dataType: 'BinaryVector', elementTypeParams: { dim: 16 } },
]);
// Milvus allows four vector fields per collection, so Int8Vector gets its own.
const c8 = customCollection([PK, { fieldName: 'iv', dataType: 'Int8Vector', elementTypeParams: { dim: 3 } }]);
const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');
const row = { id: 1, fv: [0.25, -1, 3e38], hv: [1, 0.1], bv: [1, 0.1], bin: [0xff, 0x01] };
const withField = (name: string, value: unknown) => ({ ...row, [name]: value });
const bad = (name: string, value: unknown, ...parts: string[]) =>
  assertQuiverError(() => validateRows(c, [row, withField(name, value)], INSERT), ErrorCode.InvalidInsertData, `row 1, field ${name}`, ...parts);
const badInt8 = (value: unknown, ...parts: string[]) =>
  assertQuiverError(() => validateRows(c8, [{ id: 1, iv: value }], INSERT), ErrorCode.InvalidInsertData, 'row 0, field iv', ...parts);

describe('vector inputs', () => {
  it('reads number arrays into typed columns', () => {
    const { vectors } = validateRows(c, [row], INSERT);
    assert.deepEqual(vectors.fv, { kind: 'f32', dim: 3, data: new Float32Array([0.25, -1, 3e38]) });
    assert.deepEqual(vectors.hv, { kind: 'f32', dim: 2, data: new Float32Array([1, 0.0999755859375]) }, 'rounded to f16');
    assert.deepEqual(vectors.bv, { kind: 'f32', dim: 2, data: new Float32Array([1, 0.10009765625]) }, 'rounded to bf16');
    assert.deepEqual(vectors.bin, { kind: 'b1', dim: 16, data: new Uint8Array([0xff, 0x01]) });
    const int8 = validateRows(c8, [{ id: 1, iv: [-128, 0, 127] }, { id: 2, iv: [1, -1, 0] }], INSERT).vectors.iv;
    assert.deepEqual(int8, { kind: 'i8', dim: 3, data: new Int8Array([-128, 0, 127, 1, -1, 0]) });
  });

  it('reads base64 for binary and 16-bit float vectors', () => {
    const { vectors } = validateRows(c, [{ ...row, hv: b64([0x00, 0x3c, 0x00, 0xc0]), bv: b64([0x80, 0x3f, 0x49, 0x40]), bin: b64([0xa5, 0x5a]) }], INSERT);
    assert.deepEqual(Array.from(vectors.hv.data), [1, -2]);
    assert.deepEqual(Array.from(vectors.bv.data), [1, 3.140625]);
    assert.deepEqual(Array.from(vectors.bin.data), [0xa5, 0x5a]);
  });

  it('reads base64 of little-endian float32 for float vectors', () => {
    const f32 = (xs: number[]) => Buffer.from(new Float32Array(xs).buffer).toString('base64');
    const { vectors } = validateRows(c, [{ ...row, fv: f32([0.25, -1, 3e38]) }, { ...row, id: 2, fv: [1, 2, 3] }], INSERT);
    assert.deepEqual(vectors.fv.data, new Float32Array([0.25, -1, 3e38, 1, 2, 3]));
    assert.deepEqual(parseVector(c.fields[1], f32([7, 8, 9])), new Float32Array([7, 8, 9]));
    bad('fv', f32([1, 2]), 'expected 12 bytes (dim 3) but base64 holds 8');
    bad('fv', f32([1, NaN, 3]), 'element 1 is not a finite float32');
    bad('fv', f32([1, 2, -Infinity]), 'element 2 is not a finite float32');
    bad('fv', 'not base64!', 'not an array of numbers nor valid base64');
  });

  it('places each row at its offset', () => {
    const rows = [0, 1, 2].map((i) => ({ ...row, id: i, fv: [i, i, i], bin: [i, 255 - i] }));
    const { vectors } = validateRows(c, rows, INSERT);
    assert.deepEqual(Array.from(vectors.fv.data), [0, 0, 0, 1, 1, 1, 2, 2, 2]);
    assert.deepEqual(Array.from(vectors.bin.data), [0, 255, 1, 254, 2, 253]);
  });

  it('rejects FloatVector values that are not dim finite float32 numbers', () => {
    bad('fv', [1, 2], 'dimension mismatch: expected 3 values but got 2');
    bad('fv', [1, 2, 3, 4], 'expected 3');
    bad('fv', [1, 'NaN', 3], 'element 1', 'not a finite float32');
    bad('fv', [1, null, 3], 'element 1');
    bad('fv', [1, 2, 1e39], 'element 2');
    bad('fv', [1, 2, Infinity], 'element 2');
    bad('fv', [1, 2, NaN], 'element 2');
    bad('fv', '[1,2,3]', 'not an array of numbers nor valid base64');
    bad('fv', null, 'a vector cannot be null');
    bad('fv', { 0: 1 }, 'expected a vector');
    assertQuiverError(() => validateRows(c, [{ ...row, fv: undefined }], INSERT), ErrorCode.InvalidInsertData, 'missing vector field: fv');
  });

  it('rejects bad 16-bit float vectors', () => {
    bad('hv', [1, 70000], 'element 1 overflows the Float16 range');
    bad('hv', b64([0, 0x3c]), 'expected 4 bytes (dim 2) but base64 holds 2');
    bad('hv', b64([0, 0x3c, 0, 0x7c]), 'element 1 is not a finite Float16');
    bad('hv', 'not base64!', 'not valid base64');
    bad('bv', b64([0x80, 0x3f, 0x80, 0x7f]), 'not a finite BFloat16');
    bad('bv', [1, 'x'], 'element 1');
  });

  it('rejects bad binary vectors', () => {
    bad('bin', [1], 'expected 2 bytes (dim 16) but got 1');
    bad('bin', [1, 256], 'element 1', 'not a byte');
    bad('bin', [1, -1], 'element 1');
    bad('bin', [1, 0.5], 'element 1');
    bad('bin', b64([1, 2, 3]), 'expected 2 bytes');
    bad('bin', 'a', 'not valid base64');
  });

  it('rejects bad Int8 vectors', () => {
    badInt8([1, 2, 128], 'element 2', '[-128, 127]');
    badInt8([1, 2, 0.5], 'element 2');
    badInt8([1, 2], 'dimension mismatch');
    badInt8(b64([1, 2, 3]), 'expected a vector');
    badInt8(null, 'a vector cannot be null');
  });
});

describe('parseVector', () => {
  it('parses one query vector of the field type', () => {
    assert.deepEqual(parseVector(c.fields[1], [1, 2, 3]), new Float32Array([1, 2, 3]));
    assert.deepEqual(parseVector(c.fields[4], b64([1, 2])), new Uint8Array([1, 2]));
    assert.throws(() => parseVector(c.fields[1], [1, 2]), FieldValueError);
  });
});
