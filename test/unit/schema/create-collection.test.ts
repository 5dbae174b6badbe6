/** collections/create: binding, quick setup, custom schemas and every create-time check. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildCollection } from '../../../src/shared/schema/build-collection.ts';
import { parseCreateCollectionRequest } from '../../../src/shared/schema/create-request.ts';
import { ErrorCode } from '../../../src/shared/errors.ts';
import { PK, VEC4, assertQuiverError, collectionFrom, customCollection } from './fixtures.ts';

const build = (body: Record<string, unknown>) =>
  buildCollection(parseCreateCollectionRequest(body), { collectionId: 7, now: 1000 });

describe('create request binding', () => {
  it('ignores unknown keys and treats null as absent', () => {
    const req = parseCreateCollectionRequest({ collectionName: 'c', dimension: 4, index_type: 'HNSW', schema: null });
    assert.equal(req.collectionName, 'c');
    assert.equal(req.schema, null);
    assert.equal((req as Record<string, unknown>).index_type, undefined);
  });

  it('rejects a missing or empty collectionName with 1802', () => {
    assertQuiverError(() => parseCreateCollectionRequest({ dimension: 4 }), ErrorCode.MissingParameter, 'CollectionName');
    assertQuiverError(() => parseCreateCollectionRequest({ collectionName: '' }), ErrorCode.MissingParameter);
  });

  it('rejects wrong JSON types with 1801 naming the path', () => {
    assertQuiverError(() => parseCreateCollectionRequest({ collectionName: 'c', dimension: '4' }), ErrorCode.NotJson, 'dimension');
    assertQuiverError(
      () => parseCreateCollectionRequest({ collectionName: 'c', schema: { fields: [{ fieldName: 'a', isPrimary: 'yes' }] } }),
      ErrorCode.NotJson,
      'schema.fields[0].isPrimary',
    );
    assertQuiverError(() => parseCreateCollectionRequest([]), ErrorCode.NotJson);
  });
});

describe('quick setup', () => {
  it('builds id + vector, COSINE AUTOINDEX, loaded, dynamic on', () => {
    const { collection, ignoredIndexes } = build({ collectionName: 'quick', dimension: 8 });
    assert.deepEqual(ignoredIndexes, []);
    assert.deepEqual(collection, {
      id: 7,
      dbName: 'default',
      name: 'quick',
      description: '',
      fields: [
        {
          fieldId: 100, name: 'id', dataType: 'Int64', description: '', isPrimary: true, autoId: false,
          nullable: false, isPartitionKey: false, isClusteringKey: false, extraParams: {},
        },
        {
          fieldId: 101, name: 'vector', dataType: 'FloatVector', description: '', isPrimary: false, autoId: false,
          nullable: false, isPartitionKey: false, isClusteringKey: false, extraParams: {}, dim: 8,
        },
      ],
      enableDynamicField: true,
      shardsNum: 1,
      consistencyLevel: 'Bounded',
      properties: {},
      indexes: [
        {
          indexName: 'vector', fieldName: 'vector', indexType: 'AUTOINDEX', metricType: 'COSINE',
          params: { M: 16, efConstruction: 200, quantization: 'f32' },
        },
      ],
      loaded: true,
      createdAt: 1000,
    });
  });

  it('honours names, metric, autoID, VarChar ids and params', () => {
    const { collection } = build({
      collectionName: 'q', dbName: 'db1', dimension: 4, metricType: 'L2', idType: 'VarChar', autoID: true,
      primaryFieldName: 'pk', vectorFieldName: 'emb', description: 'hello',
      params: { max_length: 64, enableDynamicField: 'False', shardsNum: '3', consistencyLevel: 'Strong', ttlSeconds: 60 },
    });
    assert.equal(collection.dbName, 'db1');
    assert.equal(collection.description, 'hello');
    assert.deepEqual(collection.fields.map((f) => [f.name, f.dataType, f.autoId, f.maxLength]), [
      ['pk', 'VarChar', true, 64],
      ['emb', 'FloatVector', false, undefined],
    ]);
    assert.equal(collection.enableDynamicField, false);
    assert.equal(collection.shardsNum, 3);
    assert.equal(collection.consistencyLevel, 'Strong');
    assert.deepEqual(collection.properties, { 'collection.ttl.seconds': '60' });
    assert.equal(collection.indexes[0].metricType, 'L2');
    assert.equal(collection.indexes[0].indexName, 'emb');
  });

  it('accepts every string form of enableDynamicField', () => {
    for (const [v, want] of [['true', true], ['True', true], ['1', true], ['false', false], ['F', false], [false, false]] as const) {
      assert.equal(build({ collectionName: 'q', dimension: 4, params: { enableDynamicField: v } }).collection.enableDynamicField, want);
    }
    assertQuiverError(() => build({ collectionName: 'q', dimension: 4, params: { enableDynamicField: 'nope' } }), ErrorCode.InvalidParameter, 'enableDynamicField');
  });

  it('rejects what Milvus rejects', () => {
    assertQuiverError(() => build({ collectionName: 'q' }), ErrorCode.InvalidParameter, 'dimension is required');
    assertQuiverError(() => build({ collectionName: 'q', dimension: 4, idType: 'String' }), ErrorCode.InvalidParameter, 'idType can only be');
    assertQuiverError(() => build({ collectionName: 'q', dimension: 4, idType: 'VarChar' }), ErrorCode.InvalidParameter, 'type param(max_length) should be specified for the field(id) of collection q');
    assertQuiverError(() => build({ collectionName: 'q', dimension: 4, metricType: 'HAMMING' }), ErrorCode.InvalidParameter, 'HAMMING');
    assertQuiverError(() => build({ collectionName: 'q', dimension: 40000 }), ErrorCode.InvalidParameter, 'invalid dimension: 40000');
    assertQuiverError(() => build({ collectionName: '1q', dimension: 4 }), ErrorCode.InvalidParameter, 'Invalid collection name: 1q');
    assertQuiverError(() => build({ collectionName: 'q', dimension: 4, schema: { functions: [{}] } }), ErrorCode.InvalidParameter, 'functions');
  });

  it('validates params', () => {
    assert.equal(build({ collectionName: 'q', dimension: 4, params: { shardsNum: 'x' } }).collection.shardsNum, 1);
    assert.equal(build({ collectionName: 'q', dimension: 4, params: { shardsNum: 0 } }).collection.shardsNum, 1);
    assert.equal(build({ collectionName: 'q', dimension: 4, params: { shardsNum: 64 } }).collection.shardsNum, 64);
    assertQuiverError(() => build({ collectionName: 'q', dimension: 4, params: { shardsNum: 65 } }), ErrorCode.InvalidParameter, 'shards');
    assertQuiverError(() => build({ collectionName: 'q', dimension: 4, params: { consistencyLevel: 'strong' } }), ErrorCode.InvalidParameter, 'consistencyLevel can only be');
    assertQuiverError(() => build({ collectionName: 'q', dimension: 4, params: { ttlSeconds: -1 } }), ErrorCode.InvalidParameter, 'ttlSeconds');
    const c = build({ collectionName: 'q', dimension: 4, params: { partitionKeyIsolation: true, 'mmap.enabled': 'false' } }).collection;
    assert.deepEqual(c.properties, { 'partitionkey.isolation': 'true', 'mmap.enabled': 'false' });
  });
});

describe('custom schema', () => {
  it('builds every supported type with its params', () => {
    const c = customCollection([
      { ...PK },
      { fieldName: 'b', dataType: 'Bool', nullable: true },
      { fieldName: 'i8', dataType: 'Int8', defaultValue: 3 },
      { fieldName: 'i16', dataType: 'Int16' },
      { fieldName: 'i32', dataType: 'Int32' },
      { fieldName: 'i64', dataType: 'Int64', isPartitionKey: true },
      { fieldName: 'f', dataType: 'Float', isClusteringKey: true },
      { fieldName: 'd', dataType: 'Double' },
      { fieldName: 's', dataType: 'VarChar', elementTypeParams: { max_length: '32', enable_match: true } },
      { fieldName: 'j', dataType: 'JSON' },
      { fieldName: 'a', dataType: 'Array', elementDataType: 'VarChar', elementTypeParams: { max_capacity: 5, max_length: 10 } },
      { fieldName: 'fv', dataType: 'FloatVector', elementTypeParams: { dim: '4' } },
      { fieldName: 'hv', dataType: 'Float16Vector', elementTypeParams: { dim: 4 } },
      { fieldName: 'bf', dataType: 'BFloat16Vector', elementTypeParams: { dim: 4 } },
      { fieldName: 'bv', dataType: 'BinaryVector', elementTypeParams: { dim: 16 } },
    ], { autoID: true, enableDynamicField: true });
    assert.equal(c.fields.length, 15);
    assert.deepEqual(c.fields.map((f) => f.fieldId), Array.from({ length: 15 }, (_, i) => 100 + i));
    assert.equal(c.fields[0].autoId, true);
    assert.equal(c.fields[1].nullable, true);
    assert.equal(c.fields[2].defaultValue, 3);
    assert.equal(c.fields[5].isPartitionKey, true);
    assert.equal(c.numPartitions, 64);
    assert.equal(c.fields[6].isClusteringKey, true);
    assert.equal(c.fields[8].maxLength, 32);
    assert.deepEqual(c.fields[8].extraParams, { enable_match: 'true' });
    assert.deepEqual([c.fields[10].elementType, c.fields[10].maxCapacity, c.fields[10].maxLength], ['VarChar', 5, 10]);
    assert.deepEqual(c.fields.slice(11).map((f) => f.dim), [4, 4, 4, 16]);
    assert.equal(c.enableDynamicField, true);
    assert.equal(c.loaded, false, 'no indexParams: not loaded');
    assert.deepEqual(c.indexes, []);
  });

  it('accepts Int8Vector and defaults dynamic fields off', () => {
    const c = customCollection([PK, { fieldName: 'v', dataType: 'Int8Vector', elementTypeParams: { dim: 8 } }]);
    assert.equal(c.fields[1].dataType, 'Int8Vector');
    assert.equal(c.enableDynamicField, false);
  });

  it('takes enableDynamicField from params when the schema does not say', () => {
    const c = collectionFrom({ collectionName: 'c', schema: { fields: [PK, VEC4] }, params: { enableDynamicField: 'true' } });
    assert.equal(c.enableDynamicField, true);
  });

  it('loads when indexParams index every vector field', () => {
    const c = collectionFrom({
      collectionName: 'c',
      schema: { fields: [PK, VEC4] },
      indexParams: [{ fieldName: 'vec', metricType: 'L2', indexType: 'HNSW', params: { M: '8', efConstruction: 100 } }],
    });
    assert.equal(c.loaded, true);
    assert.deepEqual(c.indexes, [
      { indexName: 'vec', fieldName: 'vec', indexType: 'HNSW', metricType: 'L2', params: { M: 8, efConstruction: 100, quantization: 'f32' } },
    ]);
    const two = collectionFrom({
      collectionName: 'c',
      schema: { fields: [PK, VEC4, { fieldName: 'v2', dataType: 'FloatVector', elementTypeParams: { dim: 2 } }] },
      indexParams: [{ fieldName: 'vec', metricType: 'L2' }],
    });
    assert.equal(two.loaded, false, 'v2 has no index');
  });
});

describe('custom schema checks', () => {
  const bad = (fields: Record<string, unknown>[], ...parts: string[]) =>
    assertQuiverError(() => customCollection(fields), ErrorCode.InvalidParameter, ...parts);

  it('rejects unknown and unsupported data types', () => {
    bad([PK, VEC4, { fieldName: 'x', dataType: 'int64' }], 'data type int64 is invalid(case sensitive)');
    bad([PK, VEC4, { fieldName: 'x', dataType: 'SparseFloatVector' }], 'SparseFloatVector', 'not supported');
    bad([PK, VEC4, { fieldName: 'x' }], 'is invalid(case sensitive)');
  });

  it('rejects bad field names and duplicates', () => {
    bad([PK, VEC4, { fieldName: '9x', dataType: 'Bool' }], 'Invalid field name: 9x');
    bad([PK, VEC4, { fieldName: 'a-b', dataType: 'Bool' }], 'Invalid field name: a-b');
    bad([PK, VEC4, { fieldName: 'like', dataType: 'Bool' }], 'keyword');
    bad([PK, VEC4, { dataType: 'Bool' }], 'field name should not be empty');
    bad([PK, VEC4, { fieldName: 'vec', dataType: 'Bool' }], 'duplicated field name vec');
  });

  it('requires exactly one Int64/VarChar, non-nullable primary key', () => {
    bad([VEC4, { fieldName: 'a', dataType: 'Int64' }], 'primary key is not specified');
    bad([PK, VEC4, { fieldName: 'p2', dataType: 'Int64', isPrimary: true }], 'more than one primary key', 'id, p2');
    bad([{ fieldName: 'id', dataType: 'Float', isPrimary: true }, VEC4], 'primary key should be Int64 or VarChar', 'id');
    bad([{ ...PK, nullable: true }, VEC4], 'primary field id does not support null');
    bad([{ ...PK, defaultValue: 1 }, VEC4], 'primary field id does not support default_value');
  });

  it('checks vector dimensions', () => {
    bad([PK, { fieldName: 'v', dataType: 'FloatVector' }], 'dimension is not defined', 'field v');
    bad([PK, { fieldName: 'v', dataType: 'FloatVector', elementTypeParams: { dim: 1 } }], 'invalid dimension: 1 of field v');
    bad([PK, { fieldName: 'v', dataType: 'FloatVector', elementTypeParams: { dim: 32769 } }], 'invalid dimension: 32769');
    bad([PK, { fieldName: 'v', dataType: 'FloatVector', elementTypeParams: { dim: 'abc' } }], 'dim of field v must be an integer');
    bad([PK, { fieldName: 'v', dataType: 'FloatVector', elementTypeParams: { dim: 4.5 } }], 'must be an integer');
    bad([PK, { fieldName: 'v', dataType: 'BinaryVector', elementTypeParams: { dim: 12 } }], 'multiple of 8');
    bad([PK, VEC4, { fieldName: 'v', dataType: 'FloatVector', nullable: true, elementTypeParams: { dim: 4 } }], 'vector field v does not support null');
    bad([PK], 'schema does not contain vector field');
    const five = Array.from({ length: 5 }, (_, i) => ({ fieldName: `v${i}`, dataType: 'FloatVector', elementTypeParams: { dim: 2 } }));
    bad([PK, ...five], "vector field's number should be limited to 4");
  });

  it('checks VarChar and Array parameters', () => {
    bad([PK, VEC4, { fieldName: 's', dataType: 'VarChar' }], 'type param(max_length) should be specified for the field(s) of collection c');
    bad([PK, VEC4, { fieldName: 's', dataType: 'VarChar', elementTypeParams: { max_length: 0 } }], 'field(s) should be in (0, 65535]');
    bad([PK, VEC4, { fieldName: 's', dataType: 'VarChar', elementTypeParams: { max_length: 65536 } }], 'but got 65536');
    bad([PK, VEC4, { fieldName: 'a', dataType: 'Array', elementTypeParams: { max_capacity: 4 } }], 'element data type  is invalid');
    bad([PK, VEC4, { fieldName: 'a', dataType: 'Array', elementDataType: 'JSON', elementTypeParams: { max_capacity: 4 } }], 'element type JSON of array field a is not supported');
    bad([PK, VEC4, { fieldName: 'a', dataType: 'Array', elementDataType: 'Int32' }], 'type param(max_capacity) should be specified for array field a');
    bad([PK, VEC4, { fieldName: 'a', dataType: 'Array', elementDataType: 'Int32', elementTypeParams: { max_capacity: 5000 } }], 'maximum capacity');
    bad([PK, VEC4, { fieldName: 'a', dataType: 'Array', elementDataType: 'VarChar', elementTypeParams: { max_capacity: 4 } }], 'type param(max_length) should be specified for the field(a)');
  });

  it('checks partition and clustering keys', () => {
    bad([PK, VEC4, { fieldName: 'a', dataType: 'Int64', isPartitionKey: true }, { fieldName: 'b', dataType: 'Int64', isPartitionKey: true }], 'more than one partition key');
    bad([PK, VEC4, { fieldName: 'a', dataType: 'Float', isPartitionKey: true }], 'partition key should be Int64 or VarChar', 'field a');
    bad([{ ...PK, isPartitionKey: true }, VEC4], 'partition key field id must not be primary field');
    bad([PK, VEC4, { fieldName: 'a', dataType: 'Int64', isPartitionKey: true, nullable: true }], 'partition key field a does not support nullable');
    bad([PK, VEC4, { fieldName: 'a', dataType: 'Int64', isClusteringKey: true }, { fieldName: 'b', dataType: 'Int64', isClusteringKey: true }], 'more than one clustering key');
  });

  it('checks default values against the field type', () => {
    bad([PK, VEC4, { fieldName: 'a', dataType: 'Int8', defaultValue: 300 }], 'convert defaultValue fail', 'field a', '[-128, 127]');
    bad([PK, VEC4, { fieldName: 'a', dataType: 'Int32', defaultValue: '5' }], 'convert defaultValue fail', 'must be a number');
    bad([PK, VEC4, { fieldName: 'a', dataType: 'Bool', defaultValue: 1 }], 'must be a boolean');
    bad([PK, VEC4, { fieldName: 'a', dataType: 'VarChar', defaultValue: 'toolong', elementTypeParams: { max_length: 3 } }], 'exceeds max_length (3)');
    bad([PK, VEC4, { fieldName: 'a', dataType: 'JSON', defaultValue: {} }], 'type not support default_value, type:JSON');
    bad([PK, VEC4, { fieldName: 'a', dataType: 'Double', defaultValue: 'x' }], 'field a');
    const c = customCollection([PK, VEC4,
      { fieldName: 'a', dataType: 'Float', defaultValue: 0.1 },
      { fieldName: 'b', dataType: 'VarChar', defaultValue: 'xy', elementTypeParams: { max_length: 3 } },
      { fieldName: 'c', dataType: 'Bool', defaultValue: false },
    ]);
    assert.deepEqual(c.fields.slice(2).map((f) => f.defaultValue), [Math.fround(0.1), 'xy', false]);
  });

  it('rejects schema functions', () => {
    assertQuiverError(() => customCollection([PK, VEC4], { functions: [{ name: 'bm25' }] }), ErrorCode.InvalidParameter, 'functions');
  });

  it('accepts a partitionsNum for partition-key collections', () => {
    const c = collectionFrom({
      collectionName: 'c', params: { partitionsNum: 16 },
      schema: { fields: [PK, VEC4, { fieldName: 'k', dataType: 'VarChar', isPartitionKey: true, elementTypeParams: { max_length: 8 } }] },
    });
    assert.equal(c.numPartitions, 16);
    assert.equal(customCollection([PK, VEC4]).numPartitions, undefined);
  });
});
