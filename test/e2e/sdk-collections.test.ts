/**
 * Collection, partition, index, alias and database management through the Milvus Node SDK's
 * REST client (`HttpClient`) against a real standalone server, including the Milvus error codes
 * the SDK hands back to callers.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HttpClient } from '@zilliz/milvus2-sdk-node';
import { startStandaloneProcess, type StandaloneProcess } from '../helpers/standalone-process.ts';

/** The fields of a describe answer the assertions look at. */
interface DescribedField {
  name: string;
  type: string;
  primaryKey: boolean;
  autoId: boolean;
  nullable: boolean;
  elementType?: string;
  defaultValue?: unknown;
  params?: { key: string; value: string }[];
}

function param(f: DescribedField, key: string): string | undefined {
  return f.params?.find((p) => p.key === key)?.value;
}

/** Asserts a Milvus success envelope and returns its data. */
function okData<T>(res: { code: number; data: T; message?: string }): T {
  assert.equal(res.code, 0, JSON.stringify(res));
  return res.data;
}

const vec = (dim: number, seed: number) => Array.from({ length: dim }, (_, i) => Math.sin(seed * 7 + i));

describe('collections through the Milvus SDK', () => {
  let dir = '';
  let server: StandaloneProcess;
  let client: HttpClient;
  const has = async (collectionName: string) => okData(await client.hasCollection({ dbName: 'default', collectionName })).has;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-sdk-coll-'));
    server = await startStandaloneProcess(dir);
    client = new HttpClient({ endpoint: server.url });
  });
  after(async () => {
    await server?.kill();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('creates a collection with the quick setup, loaded and indexed', async () => {
    okData(await client.createCollection({ collectionName: 'quick', dimension: 8, metricType: 'L2' }));
    const d = okData(await client.describeCollection({ collectionName: 'quick' })) as any;
    assert.equal(d.collectionName, 'quick');
    assert.equal(d.load, 'LoadStateLoaded');
    assert.equal(d.enableDynamicField, true);
    assert.equal(d.autoId, false);
    const fields = d.fields as DescribedField[];
    assert.deepEqual(fields.map((f) => [f.name, f.type, f.primaryKey]), [['id', 'Int64', true], ['vector', 'FloatVector', false]]);
    assert.equal(param(fields[1], 'dim'), '8');
    assert.deepEqual(d.indexes, [{ fieldName: 'vector', indexName: 'vector', metricType: 'L2' }]);
    const state = okData(await client.getCollectionLoadState({ collectionName: 'quick' }));
    assert.equal(state.loadState, 'LoadStateLoaded');
    assert.equal(state.loadProgress, 100);
  });

  it('creates a custom schema with every common field type and describes it', async () => {
    okData(await client.createCollection({
      collectionName: 'custom',
      schema: {
        autoID: true,
        enableDynamicField: true,
        fields: [
          { fieldName: 'pk', dataType: 'Int64', isPrimary: true },
          { fieldName: 'title', dataType: 'VarChar', elementTypeParams: { max_length: 64 } },
          { fieldName: 'count', dataType: 'Int32' },
          { fieldName: 'score', dataType: 'Float' },
          { fieldName: 'flag', dataType: 'Bool' },
          { fieldName: 'meta', dataType: 'JSON' },
          { fieldName: 'tags', dataType: 'Array', elementDataType: 'Int64', elementTypeParams: { max_capacity: 16 } },
          { fieldName: 'embedding', dataType: 'FloatVector', elementTypeParams: { dim: 16 } },
          { fieldName: 'rating', dataType: 'Int64', nullable: true, defaultValue: 7 } as any,
        ],
      },
      indexParams: [{ fieldName: 'embedding', indexName: 'emb_idx', metricType: 'IP', params: { index_type: 'HNSW', M: '16', efConstruction: '64' } }],
    } as any));
    const d = okData(await client.describeCollection({ collectionName: 'custom' })) as any;
    assert.equal(d.autoId, true);
    assert.equal(d.enableDynamicField, true);
    assert.equal(d.load, 'LoadStateLoaded', 'custom setup with indexParams loads');
    const byName = new Map((d.fields as DescribedField[]).map((f) => [f.name, f]));
    assert.deepEqual([...byName.keys()], ['pk', 'title', 'count', 'score', 'flag', 'meta', 'tags', 'embedding', 'rating']);
    const pk = byName.get('pk')!;
    assert.equal(pk.type, 'Int64');
    assert.equal(pk.primaryKey, true);
    assert.equal(pk.autoId, true);
    assert.equal(byName.get('title')!.type, 'VarChar');
    assert.equal(param(byName.get('title')!, 'max_length'), '64');
    assert.equal(byName.get('count')!.type, 'Int32');
    assert.equal(byName.get('score')!.type, 'Float');
    assert.equal(byName.get('flag')!.type, 'Bool');
    assert.equal(byName.get('meta')!.type, 'JSON');
    const tags = byName.get('tags')!;
    assert.equal(tags.type, 'Array');
    assert.equal(tags.elementType, 'Int64');
    assert.equal(param(tags, 'max_capacity'), '16');
    const emb = byName.get('embedding')!;
    assert.equal(emb.type, 'FloatVector');
    assert.equal(param(emb, 'dim'), '16');
    assert.equal(emb.primaryKey, false);
    const rating = byName.get('rating')!;
    assert.equal(rating.nullable, true);
    assert.deepEqual(rating.defaultValue, { Data: { LongData: 7 } });
    assert.deepEqual(d.indexes, [{ fieldName: 'embedding', indexName: 'emb_idx', metricType: 'IP' }]);

    // The default value fills an omitted nullable field; autoID assigns the key.
    const ins = okData(await client.insert({
      collectionName: 'custom',
      data: [{ title: 't', count: 1, score: 0.5, flag: true, meta: { a: 1 }, tags: [1, 2], embedding: vec(16, 1) }],
    }));
    assert.equal(ins.insertCount, 1);
    const rows = okData(await client.query({
      collectionName: 'custom', filter: 'count == 1', outputFields: ['rating', 'title'], consistencyLevel: 'Strong',
    } as any));
    // Int64 values are strings unless the client sends Accept-Type-Allow-Int64: true.
    assert.deepEqual(rows.map((r) => [r.rating, r.title]), [['7', 't']]);
  });

  it('lists, has and counts collections', async () => {
    const names = okData(await client.listCollections());
    assert.deepEqual([...names].sort(), ['custom', 'quick']);
    assert.equal(await has('quick'), true);
    assert.equal(await has('nope'), false);

    okData(await client.insert({ collectionName: 'quick', data: [1, 2, 3].map((id) => ({ id, vector: vec(8, id) })) }));
    okData(await client.flushCollection({ collectionName: 'quick' }));
    const stats = okData(await client.getCollectionStatistics({ collectionName: 'quick' }));
    assert.equal(stats.rowCount, 3);
  });

  it('releases and loads a collection', async () => {
    okData(await client.releaseCollection({ collectionName: 'quick' }));
    assert.equal(okData(await client.getCollectionLoadState({ collectionName: 'quick' })).loadState, 'LoadStateNotLoad');
    const d = okData(await client.describeCollection({ collectionName: 'quick' })) as any;
    assert.equal(d.load, 'LoadStateNotLoad');
    const q = await client.query({ collectionName: 'quick', filter: 'id > 0', outputFields: ['id'] });
    assert.equal(q.code, 101, `query on a released collection: ${JSON.stringify(q)}`);

    okData(await client.loadCollection({ collectionName: 'quick' }));
    assert.equal(okData(await client.getCollectionLoadState({ collectionName: 'quick' })).loadState, 'LoadStateLoaded');
    const rows = okData(await client.query({ collectionName: 'quick', filter: 'id > 0', outputFields: ['id'], consistencyLevel: 'Strong' }));
    assert.deepEqual(rows.map((r) => r.id).sort(), ['1', '2', '3']);
  });

  it('renames a collection, keeping its data', async () => {
    okData(await client.renameCollection({ collectionName: 'quick', newCollectionName: 'quick2' }));
    assert.equal(await has('quick'), false);
    assert.equal(await has('quick2'), true);
    const rows = okData(await client.query({ collectionName: 'quick2', filter: 'id > 0', outputFields: ['count(*)'], consistencyLevel: 'Strong' }));
    assert.deepEqual(rows, [{ 'count(*)': 3 }]);
  });

  it('alters and drops collection properties', async () => {
    okData(await client.alterCollectionProperties({ collectionName: 'quick2', properties: { 'collection.ttl.seconds': 3600 } }));
    let d = okData(await client.describeCollection({ collectionName: 'quick2' })) as any;
    assert.deepEqual(d.properties, [{ key: 'collection.ttl.seconds', value: '3600' }]);
    const bad = await client.alterCollectionProperties({ collectionName: 'quick2', properties: { 'collection.ttl.seconds': -1 } });
    assert.equal(bad.code, 1100, JSON.stringify(bad));
    okData(await client.dropCollectionProperties({ collectionName: 'quick2', propertyKeys: ['collection.ttl.seconds'] }));
    d = okData(await client.describeCollection({ collectionName: 'quick2' })) as any;
    assert.deepEqual(d.properties, []);
  });

  it('manages partitions', async () => {
    okData(await client.createPartition({ collectionName: 'quick2', partitionName: 'p1' }));
    assert.deepEqual([...okData(await client.listPartitions({ collectionName: 'quick2' }))].sort(), ['_default', 'p1']);
    assert.equal(okData(await client.hasPartition({ collectionName: 'quick2', partitionName: 'p1' })).has, true);
    assert.equal(okData(await client.hasPartition({ collectionName: 'quick2', partitionName: 'p9' })).has, false);

    okData(await client.insert({ collectionName: 'quick2', partitionName: 'p1', data: [{ id: 10, vector: vec(8, 10) }] } as any));
    const inP1 = okData(await client.query({
      collectionName: 'quick2', filter: 'id >= 0', outputFields: ['id'], partitionNames: ['p1'], consistencyLevel: 'Strong',
    }));
    assert.deepEqual(inP1.map((r) => r.id), ['10']);
    const stats = okData(await client.getPartitionStatistics({ collectionName: 'quick2', partitionName: 'p1' }));
    assert.equal(stats.rowCount, 1);

    okData(await client.releasePartitions({ collectionName: 'quick2', partitionNames: ['p1'] }));
    okData(await client.loadPartitions({ collectionName: 'quick2', partitionNames: ['p1'] }));
    okData(await client.releaseCollection({ collectionName: 'quick2' }));
    okData(await client.dropPartition({ collectionName: 'quick2', partitionName: 'p1' }));
    assert.deepEqual(okData(await client.listPartitions({ collectionName: 'quick2' })), ['_default']);
    okData(await client.loadCollection({ collectionName: 'quick2' }));
    const all = okData(await client.query({ collectionName: 'quick2', filter: 'id >= 0', outputFields: ['count(*)'], consistencyLevel: 'Strong' }));
    assert.deepEqual(all, [{ 'count(*)': 3 }], 'rows of a dropped partition are gone');
  });

  it('manages indexes', async () => {
    okData(await client.createCollection({
      collectionName: 'idx',
      schema: {
        fields: [
          { fieldName: 'id', dataType: 'Int64', isPrimary: true },
          { fieldName: 'v', dataType: 'FloatVector', elementTypeParams: { dim: 4 } },
          { fieldName: 'n', dataType: 'Int32' },
        ],
      },
    }));
    let d = okData(await client.describeCollection({ collectionName: 'idx' })) as any;
    assert.equal(d.load, 'LoadStateNotLoad', 'custom setup without indexParams is not loaded');
    assert.deepEqual(okData(await client.listIndexes({ collectionName: 'idx' })), []);

    okData(await client.createIndex({
      collectionName: 'idx',
      indexParams: [{ fieldName: 'v', indexName: 'v_hnsw', metricType: 'COSINE', params: { index_type: 'HNSW', M: '8', efConstruction: '32' } }],
    }));
    okData(await client.createIndex({ collectionName: 'idx', indexParams: [{ fieldName: 'n', indexName: 'n_idx', params: { index_type: 'STL_SORT' } } as any] }));
    assert.deepEqual([...okData(await client.listIndexes({ collectionName: 'idx' }))].sort(), ['n_idx', 'v_hnsw']);
    const [desc] = okData(await client.describeIndex({ collectionName: 'idx', indexName: 'v_hnsw' }));
    assert.equal(desc.indexName, 'v_hnsw');
    assert.equal(desc.fieldName, 'v');
    assert.equal(desc.indexType, 'HNSW');
    assert.equal(desc.metricType, 'COSINE');
    assert.equal(desc.indexState, 'Finished');
    assert.equal(desc.totalRows, 0);
    const missing = await client.describeIndex({ collectionName: 'idx', indexName: 'nope' });
    assert.equal(missing.code, 700, JSON.stringify(missing));

    d = okData(await client.describeCollection({ collectionName: 'idx' })) as any;
    assert.deepEqual(d.indexes.map((x: { indexName: string }) => x.indexName).sort(), ['n_idx', 'v_hnsw']);

    okData(await client.loadCollection({ collectionName: 'idx' }));
    const refused = await client.dropIndex({ collectionName: 'idx', indexName: 'v_hnsw' });
    assert.notEqual(refused.code, 0, 'the vector index of a loaded collection cannot be dropped');
    okData(await client.dropIndex({ collectionName: 'idx', indexName: 'n_idx' }));
    okData(await client.releaseCollection({ collectionName: 'idx' }));
    okData(await client.dropIndex({ collectionName: 'idx', indexName: 'v_hnsw' }));
    assert.deepEqual(okData(await client.listIndexes({ collectionName: 'idx' })), []);
    const noIndex = await client.loadCollection({ collectionName: 'idx' });
    assert.equal(noIndex.code, 700, `load without a vector index: ${JSON.stringify(noIndex)}`);
  });

  it('manages aliases', async () => {
    okData(await client.createAlias({ collectionName: 'quick2', aliasName: 'qa' }));
    const desc = okData(await client.describeAlias({ aliasName: 'qa' }));
    assert.deepEqual({ ...desc }, { dbName: 'default', collectionName: 'quick2', aliasName: 'qa' });
    assert.deepEqual(okData(await client.listAliases({})), ['qa']);
    // The alias reaches the collection it names.
    const viaAlias = okData(await client.query({ collectionName: 'qa', filter: '', outputFields: ['count(*)'], consistencyLevel: 'Strong' }));
    assert.deepEqual(viaAlias, [{ 'count(*)': 3 }]);
    const d = okData(await client.describeCollection({ collectionName: 'quick2' })) as any;
    assert.deepEqual(d.aliases, ['qa']);

    okData(await client.alterAlias({ collectionName: 'custom', aliasName: 'qa' }));
    assert.equal(okData(await client.describeAlias({ aliasName: 'qa' })).collectionName, 'custom');
    // As in Milvus: no drop through an alias, and no drop while an alias points at the collection.
    const viaAliasDrop = await client.dropCollection({ collectionName: 'qa' });
    assert.equal(viaAliasDrop.code, 1100, JSON.stringify(viaAliasDrop));
    const withAlias = await client.dropCollection({ collectionName: 'custom' });
    assert.notEqual(withAlias.code, 0, 'a collection with aliases is not dropped');
    assert.match(withAlias.message ?? '', /associated aliases \[qa\]/);
    assert.equal(await has('custom'), true);
    okData(await client.dropAlias({ aliasName: 'qa' }));
    assert.deepEqual(okData(await client.listAliases({})), []);
  });

  it('manages databases and collections in them', async () => {
    okData(await client.createDatabase({ dbName: 'other', properties: { 'database.max.collections': 10 } as any }));
    assert.deepEqual([...okData(await client.listDatabases())].sort(), ['default', 'other']);
    const db = okData(await client.describeDatabase({ dbName: 'other' })) as any;
    assert.equal(db.dbName, 'other');
    assert.ok(Array.isArray(db.properties));
    assert.ok(db.properties.some((p: { key: string; value: string }) => p.key === 'database.max.collections' && p.value === '10'), JSON.stringify(db));

    okData(await client.createCollection({ dbName: 'other', collectionName: 'quick', dimension: 4 }));
    assert.deepEqual(okData(await client.listCollections({ dbName: 'other' })), ['quick']);
    okData(await client.insert({ dbName: 'other', collectionName: 'quick', data: [{ id: 1, vector: vec(4, 1) }] }));
    const rows = okData(await client.query({ dbName: 'other', collectionName: 'quick', filter: '', outputFields: ['count(*)'], consistencyLevel: 'Strong' }));
    assert.deepEqual(rows, [{ 'count(*)': 1 }]);
    // A client bound to the database reaches the same collection.
    const scoped = new HttpClient({ endpoint: server.url, database: 'other' });
    assert.equal(okData(await scoped.hasCollection({ collectionName: 'quick' } as any)).has, true);
    // The default database's collection of the same name was renamed away: no clash, no leak.
    assert.equal(await has('quick'), false);

    const missingDb = await client.listCollections({ dbName: 'ghost' });
    assert.equal(missingDb.code, 800, JSON.stringify(missingDb));
    const inMissingDb = await client.createCollection({ dbName: 'ghost', collectionName: 'x', dimension: 4 });
    assert.equal(inMissingDb.code, 800, JSON.stringify(inMissingDb));
    assert.notEqual((await client.createDatabase({ dbName: 'other' })).code, 0, 'the database exists already');
    assert.notEqual((await client.dropDatabase({ dbName: 'default' })).code, 0, 'the default database cannot be dropped');
    const notEmpty = await client.dropDatabase({ dbName: 'other' });
    assert.notEqual(notEmpty.code, 0, 'a database with collections cannot be dropped');
    okData(await client.dropCollection({ dbName: 'other', collectionName: 'quick' }));
    okData(await client.dropDatabase({ dbName: 'other' }));
    assert.deepEqual(okData(await client.listDatabases()), ['default']);
  });

  it('drops collections', async () => {
    okData(await client.dropCollection({ collectionName: 'quick2' }));
    assert.equal(await has('quick2'), false);
    assert.deepEqual([...okData(await client.listCollections())].sort(), ['custom', 'idx']);
    // Re-creating under the same name starts empty.
    okData(await client.createCollection({ collectionName: 'quick2', dimension: 8, metricType: 'L2' }));
    const rows = okData(await client.query({ collectionName: 'quick2', filter: '', outputFields: ['count(*)'], consistencyLevel: 'Strong' }));
    assert.deepEqual(rows, [{ 'count(*)': 0 }]);
  });

  it('surfaces Milvus error codes', async () => {
    const described = await client.describeCollection({ collectionName: 'missing' });
    assert.equal(described.code, 100, JSON.stringify(described));
    assert.match(described.message ?? '', /can't find collection\[database=default\]\[collection=missing\]/);
    for (const res of [
      await client.getCollectionLoadState({ collectionName: 'missing' }),
      await client.insert({ collectionName: 'missing', data: [{ id: 1, vector: vec(8, 1) }] }),
      await client.search({ collectionName: 'missing', data: [vec(8, 1)], outputFields: [] }),
      await client.getCollectionStatistics({ collectionName: 'missing' }),
    ]) {
      assert.equal(res.code, 100, JSON.stringify(res));
    }

    const badDim = await client.createCollection({ collectionName: 'bad_dim', dimension: 0 });
    assert.equal(badDim.code, 1100, JSON.stringify(badDim));
    const hugeDim = await client.createCollection({ collectionName: 'bad_dim', dimension: 1_000_000 });
    assert.equal(hugeDim.code, 1100, JSON.stringify(hugeDim));
    assert.equal(await has('bad_dim'), false);

    const wrongDim = await client.insert({ collectionName: 'quick2', data: [{ id: 1, vector: vec(3, 1) }] });
    assert.equal(wrongDim.code, 1804, JSON.stringify(wrongDim));

    okData(await client.createCollection({
      collectionName: 'strict',
      schema: {
        enableDynamicField: false,
        fields: [
          { fieldName: 'id', dataType: 'Int64', isPrimary: true },
          { fieldName: 'v', dataType: 'FloatVector', elementTypeParams: { dim: 2 } },
        ],
      } as any,
      indexParams: [{ fieldName: 'v', indexName: 'v', metricType: 'L2', params: { index_type: 'AUTOINDEX' } }],
    }));
    const unknown = await client.insert({ collectionName: 'strict', data: [{ id: 1, v: [1, 2], extra: 'x' }] });
    assert.equal(unknown.code, 1804, JSON.stringify(unknown));
    const noneWritten = okData(await client.query({ collectionName: 'strict', filter: '', outputFields: ['count(*)'], consistencyLevel: 'Strong' }));
    assert.deepEqual(noneWritten, [{ 'count(*)': 0 }]);

    const badType = await client.createCollection({
      collectionName: 'bad_type',
      schema: { fields: [{ fieldName: 'id', dataType: 'int64', isPrimary: true }, { fieldName: 'v', dataType: 'FloatVector', elementTypeParams: { dim: 2 } }] },
    });
    assert.equal(badType.code, 1100, JSON.stringify(badType));
    assert.match(badType.message ?? '', /data type int64 is invalid\(case sensitive\)/);
  });
});
