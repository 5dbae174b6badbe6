/** `quiver import --vector-encoding`: which values become base64 float32 and which are sent as they are. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DescribedCollection } from '../../../src/cli/milvus-client.ts';
import { float32Base64, vectorEncoder } from '../../../src/cli/vector-encoding.ts';
import { decodeBase64 } from '../../../src/shared/schema/base64.ts';

const collection: DescribedCollection = {
  collectionName: 'c',
  fields: [
    { name: 'id', type: 'Int64', primaryKey: true },
    { name: 'v', type: 'FloatVector' },
    { name: 'h', type: 'Float16Vector' },
    { name: 'tags', type: 'Array', elementType: 'Float' },
  ],
};

const floats = (text: unknown) => Array.from(new Float32Array(decodeBase64(text as string)!.slice().buffer));

describe('import vector encoding', () => {
  it('sends FloatVector number arrays as base64 of float32, and nothing else', () => {
    const encode = vectorEncoder(collection, 'base64');
    const row = encode({ id: 1, v: [0.5, -2, 3.25], h: [1, 2], tags: [1.5] });
    assert.equal(typeof row.v, 'string');
    assert.deepEqual(floats(row.v), [0.5, -2, 3.25]);
    assert.deepEqual([row.h, row.tags], [[1, 2], [1.5]], 'other vector types and arrays are untouched');
  });

  it('leaves values that are not arrays of numbers for the server to judge', () => {
    const encode = vectorEncoder(collection, 'base64');
    for (const v of [[1, '2', 3], [], 'AAAA', null, { 0: 1 }]) assert.deepEqual(encode({ id: 1, v }).v, v);
  });

  it('keeps out-of-range values out of range, so the server still refuses them', () => {
    assert.deepEqual(floats(float32Base64([1e39, -1e39, Number.NaN])), [Infinity, -Infinity, Number.NaN]);
  });

  it('sends numbers unchanged with the numbers encoding', () => {
    const row = { id: 1, v: [1, 2, 3] };
    assert.equal(vectorEncoder(collection, 'numbers')(row), row);
    assert.deepEqual(row.v, [1, 2, 3]);
  });
});
