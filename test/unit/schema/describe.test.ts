/** collections/describe and indexes/describe answers, compared as whole objects. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeCollection, describeIndex } from '../../../src/shared/schema/describe.ts';
import { collectionFrom } from './fixtures.ts';

describe('describeCollection', () => {
  it('matches Milvus for a quick-setup collection', () => {
    const c = collectionFrom({ collectionName: 'quick_setup', dimension: 5 });
    assert.deepEqual(describeCollection(c, []), {
      aliases: [],
      autoId: false,
      collectionID: 7,
      collectionName: 'quick_setup',
      consistencyLevel: 'Bounded',
      description: '',
      enableDynamicField: true,
      fields: [
        { autoId: false, clusteringKey: false, description: '', id: 100, name: 'id', nullable: false, partitionKey: false, primaryKey: true, type: 'Int64' },
        {
          autoId: false, clusteringKey: false, description: '', id: 101, name: 'vector', nullable: false,
          params: [{ key: 'dim', value: '5' }], partitionKey: false, primaryKey: false, type: 'FloatVector',
        },
      ],
      functions: [],
      indexes: [{ fieldName: 'vector', indexName: 'vector', metricType: 'COSINE' }],
      load: 'LoadStateLoaded',
      partitionsNum: 1,
      properties: [],
      shardsNum: 1,
    });
  });

  it('describes custom fields, defaults, arrays, aliases and properties', () => {
    const c = collectionFrom({
      collectionName: 'books',
      description: 'my books',
      params: { ttlSeconds: 3600, shardsNum: 2, consistencyLevel: 'Strong' },
      schema: {
        autoID: true,
        enableDynamicField: false,
        fields: [
          { fieldName: 'book_id', dataType: 'VarChar', isPrimary: true, elementTypeParams: { max_length: 36 } },
          { fieldName: 'count', dataType: 'Int64', nullable: true, defaultValue: 7 },
          { fieldName: 'flag', dataType: 'Bool', defaultValue: true },
          { fieldName: 'tags', dataType: 'Array', elementDataType: 'VarChar', elementTypeParams: { max_capacity: 3, max_length: 10 } },
          { fieldName: 'region', dataType: 'VarChar', isPartitionKey: true, elementTypeParams: { max_length: 8 } },
          { fieldName: 'emb', dataType: 'BinaryVector', elementTypeParams: { dim: 64, mmap_enabled: 'true' } },
        ],
      },
      indexParams: [{ fieldName: 'emb', metricType: 'HAMMING', indexType: 'BIN_IVF_FLAT' }],
    });
    const described = describeCollection(c, ['b1', 'b2']);
    assert.deepEqual(described, {
      aliases: ['b1', 'b2'],
      autoId: true,
      collectionID: 7,
      collectionName: 'books',
      consistencyLevel: 'Strong',
      description: 'my books',
      enableDynamicField: false,
      fields: [
        {
          autoId: true, clusteringKey: false, description: '', id: 100, name: 'book_id', nullable: false,
          params: [{ key: 'max_length', value: '36' }], partitionKey: false, primaryKey: true, type: 'VarChar',
        },
        {
          autoId: false, clusteringKey: false, defaultValue: { Data: { LongData: 7 } }, description: '', id: 101,
          name: 'count', nullable: true, partitionKey: false, primaryKey: false, type: 'Int64',
        },
        {
          autoId: false, clusteringKey: false, defaultValue: { Data: { BoolData: true } }, description: '', id: 102,
          name: 'flag', nullable: false, partitionKey: false, primaryKey: false, type: 'Bool',
        },
        {
          autoId: false, clusteringKey: false, description: '', elementType: 'VarChar', id: 103, name: 'tags', nullable: false,
          params: [{ key: 'max_length', value: '10' }, { key: 'max_capacity', value: '3' }], partitionKey: false, primaryKey: false, type: 'Array',
        },
        {
          autoId: false, clusteringKey: false, description: '', id: 104, name: 'region', nullable: false,
          params: [{ key: 'max_length', value: '8' }], partitionKey: true, primaryKey: false, type: 'VarChar',
        },
        {
          autoId: false, clusteringKey: false, description: '', id: 105, name: 'emb', nullable: false,
          params: [{ key: 'dim', value: '64' }, { key: 'mmap_enabled', value: 'true' }], partitionKey: false, primaryKey: false, type: 'BinaryVector',
        },
      ],
      functions: [],
      indexes: [{ fieldName: 'emb', indexName: 'emb', metricType: 'HAMMING' }],
      load: 'LoadStateLoaded',
      partitionsNum: 64,
      properties: [{ key: 'collection.ttl.seconds', value: '3600' }],
      shardsNum: 2,
    });
    // Go writes map keys sorted; the field objects are built in that order too.
    assert.deepEqual(Object.keys(described.fields[1]), [...Object.keys(described.fields[1])].sort());
    assert.deepEqual(Object.keys(described), [...Object.keys(described)].sort());
  });

  it('reports the load state', () => {
    const c = collectionFrom({ collectionName: 'c', schema: { fields: [
      { fieldName: 'id', dataType: 'Int64', isPrimary: true },
      { fieldName: 'v', dataType: 'FloatVector', elementTypeParams: { dim: 2 } },
    ] } });
    assert.equal(describeCollection(c, []).load, 'LoadStateNotLoad');
    assert.equal(describeCollection(c, [], { loadState: 'LoadStateLoading' }).load, 'LoadStateLoading');
  });

  it('renders every default value kind like Milvus', () => {
    const c = collectionFrom({ collectionName: 'c', schema: { fields: [
      { fieldName: 'id', dataType: 'Int64', isPrimary: true },
      { fieldName: 'v', dataType: 'FloatVector', elementTypeParams: { dim: 2 } },
      { fieldName: 'a', dataType: 'Int16', defaultValue: -3 },
      { fieldName: 'b', dataType: 'Float', defaultValue: 1.5 },
      { fieldName: 'd', dataType: 'Double', defaultValue: 2.25 },
      { fieldName: 's', dataType: 'VarChar', defaultValue: 'x', elementTypeParams: { max_length: 4 } },
    ] } });
    assert.deepEqual(describeCollection(c, []).fields.slice(2).map((f) => f.defaultValue), [
      { Data: { IntData: -3 } },
      { Data: { FloatData: 1.5 } },
      { Data: { DoubleData: 2.25 } },
      { Data: { StringData: 'x' } },
    ]);
  });
});

describe('describeIndex', () => {
  it('answers with the requested index type and row counts', () => {
    const c = collectionFrom({
      collectionName: 'c',
      schema: { fields: [{ fieldName: 'id', dataType: 'Int64', isPrimary: true }, { fieldName: 'v', dataType: 'FloatVector', elementTypeParams: { dim: 2 } }] },
      indexParams: [{ fieldName: 'v', indexName: 'v_idx', metricType: 'L2', params: { index_type: 'IVF_FLAT', nlist: 128 } }],
    });
    assert.deepEqual(describeIndex(c.indexes[0], { totalRows: 10, indexedRows: 8, pendingRows: 2 }), {
      failReason: '',
      fieldName: 'v',
      indexName: 'v_idx',
      indexParams: [
        { key: 'index_type', value: 'IVF_FLAT' },
        { key: 'metric_type', value: 'L2' },
        { key: 'M', value: '16' },
        { key: 'efConstruction', value: '200' },
        { key: 'quantization', value: 'f32' },
        { key: 'nlist', value: '128' },
      ],
      indexState: 'Finished',
      indexType: 'IVF_FLAT',
      indexedRows: 8,
      metricType: 'L2',
      pendingRows: 2,
      totalRows: 10,
    });
    assert.equal(describeIndex(c.indexes[0], { totalRows: 0, indexedRows: 0, pendingRows: 0, indexState: 'Failed', failReason: 'x' }).indexState, 'Failed');
  });
});
