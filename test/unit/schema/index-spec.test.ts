/** indexParams: index types, metrics per vector type, HNSW parameters, quantization. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIndexParams } from '../../../src/shared/schema/create-request.ts';
import { buildIndexSpecs } from '../../../src/shared/schema/index-spec.ts';
import { ErrorCode } from '../../../src/shared/errors.ts';
import { PK, VEC4, assertQuiverError, customCollection } from './fixtures.ts';

const c = customCollection([
  PK,
  VEC4,
  { fieldName: 'bin', dataType: 'BinaryVector', elementTypeParams: { dim: 16 } },
  { fieldName: 'i8v', dataType: 'Int8Vector', elementTypeParams: { dim: 4 } },
  { fieldName: 'tag', dataType: 'VarChar', elementTypeParams: { max_length: 8 } },
]);
const specs = (params: unknown[]) => buildIndexSpecs(c.fields, parseIndexParams(params));

describe('index params', () => {
  it('defaults to AUTOINDEX named after the field, with the type default metric', () => {
    const { indexes } = specs([{ fieldName: 'vec' }, { fieldName: 'bin' }, { fieldName: 'i8v' }]);
    assert.deepEqual(indexes, [
      { indexName: 'vec', fieldName: 'vec', indexType: 'AUTOINDEX', metricType: 'COSINE', params: { M: 16, efConstruction: 200, quantization: 'f32' } },
      { indexName: 'bin', fieldName: 'bin', indexType: 'AUTOINDEX', metricType: 'HAMMING', params: { M: 16, efConstruction: 200, quantization: 'b1' } },
      { indexName: 'i8v', fieldName: 'i8v', indexType: 'AUTOINDEX', metricType: 'COSINE', params: { M: 16, efConstruction: 200, quantization: 'i8' } },
    ]);
  });

  it('reads the type from params.index_type and keeps other params verbatim', () => {
    const { indexes } = specs([
      { fieldName: 'vec', indexName: 'my_idx', metricType: 'ip', params: { index_type: 'IVF_FLAT', nlist: 128, quantization: 'f16' } },
    ]);
    assert.deepEqual(indexes, [
      {
        indexName: 'my_idx', fieldName: 'vec', indexType: 'HNSW', metricType: 'IP', requestedIndexType: 'IVF_FLAT',
        params: { M: 16, efConstruction: 200, quantization: 'f16', nlist: 128 },
      },
    ]);
  });

  it('builds FLAT without graph parameters and BIN_FLAT as FLAT', () => {
    const { indexes } = specs([
      { fieldName: 'vec', indexType: 'FLAT', metricType: 'L2' },
      { fieldName: 'bin', indexType: 'BIN_FLAT', metricType: 'JACCARD' },
    ]);
    assert.deepEqual(indexes.map((x) => [x.indexType, x.metricType, x.params, x.requestedIndexType]), [
      ['FLAT', 'L2', { quantization: 'f32' }, undefined],
      ['FLAT', 'JACCARD', { quantization: 'b1' }, 'BIN_FLAT'],
    ]);
  });

  it('accepts and skips scalar-field indexes', () => {
    const built = specs([{ fieldName: 'tag', indexType: 'INVERTED' }, { fieldName: 'vec', metricType: 'L2' }]);
    assert.equal(built.indexes.length, 1);
    assert.deepEqual(built.ignored, [{ fieldName: 'tag', indexType: 'INVERTED' }]);
    assertQuiverError(() => specs([{ fieldName: 'tag', indexType: 'HNSW' }]), ErrorCode.InvalidParameter, 'invalid index type: HNSW for scalar field tag');
  });

  it('rejects unknown fields with 1802', () => {
    assertQuiverError(() => specs([{ fieldName: 'nope', metricType: 'L2' }]), ErrorCode.MissingParameter, '`nope` hasn\'t defined in schema');
    assertQuiverError(() => specs([{ metricType: 'L2' }]), ErrorCode.MissingParameter, "hasn't defined in schema");
  });

  it('rejects metrics that do not fit the vector type', () => {
    assertQuiverError(() => specs([{ fieldName: 'vec', metricType: 'HAMMING' }]), ErrorCode.InvalidParameter, 'HAMMING', 'FloatVector field vec');
    assertQuiverError(() => specs([{ fieldName: 'bin', metricType: 'L2' }]), ErrorCode.InvalidParameter, 'L2', 'BinaryVector');
    assertQuiverError(() => specs([{ fieldName: 'i8v', metricType: 'JACCARD' }]), ErrorCode.InvalidParameter, 'JACCARD');
    assertQuiverError(() => specs([{ fieldName: 'vec', metricType: 'BM25' }]), ErrorCode.InvalidParameter, 'BM25');
  });

  it('rejects bad types and parameters', () => {
    assertQuiverError(() => specs([{ fieldName: 'vec', indexType: 'MAGIC' }]), ErrorCode.InvalidParameter, 'invalid index type: MAGIC');
    assertQuiverError(() => specs([{ fieldName: 'vec', params: { M: 1 } }]), ErrorCode.InvalidParameter, "'M' (1)", '[2, 2048]');
    assertQuiverError(() => specs([{ fieldName: 'vec', params: { M: 4096 } }]), ErrorCode.InvalidParameter, "'M'");
    assertQuiverError(() => specs([{ fieldName: 'vec', params: { efConstruction: 'many' } }]), ErrorCode.InvalidParameter, 'efConstruction');
    assertQuiverError(() => specs([{ fieldName: 'vec', params: { quantization: 'f64' } }]), ErrorCode.InvalidParameter, 'quantization f64');
    assertQuiverError(() => specs([{ fieldName: 'bin', params: { quantization: 'f32' } }]), ErrorCode.InvalidParameter, 'only b1');
    assertQuiverError(() => parseIndexParams([{ fieldName: 1 }]), ErrorCode.NotJson, 'fieldName');
    assertQuiverError(() => parseIndexParams(undefined), ErrorCode.MissingParameter);
  });

  it('allows one index per field; identical re-creation is a no-op', () => {
    const first = specs([{ fieldName: 'vec', metricType: 'L2' }]).indexes;
    assert.deepEqual(buildIndexSpecs(c.fields, [{ fieldName: 'vec', metricType: 'L2' }], first).indexes, []);
    assertQuiverError(
      () => buildIndexSpecs(c.fields, [{ fieldName: 'vec', metricType: 'IP' }], first),
      ErrorCode.InvalidParameter,
      'at most one distinct index is allowed per field',
    );
    assertQuiverError(
      () => buildIndexSpecs(c.fields, [{ fieldName: 'bin', indexName: 'vec' }], first),
      ErrorCode.InvalidParameter,
      'index name vec already exists',
    );
  });
});
